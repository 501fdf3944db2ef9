/**
 * What a soak adds up over its schedules: counts, faults, coverage, the
 * reach of the target paths and the failures by kind. A tally travels as
 * plain data, so that soak worker processes can each keep one and the
 * parent can merge them.
 */
import { LIFECYCLES } from "../protocol/index.ts";
import { CoverageTable, transitionMarks, type CoverageRow } from "../jepsen/coverage.ts";
import { COVERAGE_TARGETS, reachedTargets } from "../jepsen/coverage-targets.ts";
import { keepsClaims } from "../jepsen/simulation-commands.ts";
import type { SimulationResult } from "../jepsen/simulation.ts";

export interface Failure {
  kind: string;
  count: number;
  /** The first failing schedule's seed and fast-check path. */
  seed: number;
  path: string;
}

export interface TallyData {
  schedules: number;
  operations: number;
  acknowledgedWrites: number;
  failedWrites: number;
  withdrawn: number;
  requests: number;
  virtualMs: number;
  faults: Record<string, number>;
  coverage: CoverageRow[];
  /** Schedules reaching each of COVERAGE_TARGETS, in its order. */
  targets: number[];
  failures: Failure[];
}

export class SoakTally {
  private readonly data: Omit<TallyData, "coverage"> = {
    schedules: 0,
    operations: 0,
    acknowledgedWrites: 0,
    failedWrites: 0,
    withdrawn: 0,
    requests: 0,
    virtualMs: 0,
    faults: {},
    targets: COVERAGE_TARGETS.map(() => 0),
    failures: [],
  };
  private readonly coverage = new CoverageTable(transitionMarks(LIFECYCLES));

  /** Counts one schedule, the run-th of the soak of `seed`; returns whether it broke a claim. */
  record(result: SimulationResult, seed: number, run: number): boolean {
    const { data } = this;
    data.schedules++;
    const operations = result.history.operations;
    data.operations += operations.length;
    data.acknowledgedWrites += operations.filter((op) => op.writes.length > 0 && op.status === "ok").length;
    data.failedWrites += operations.filter((op) => op.writes.length > 0 && op.status !== "ok").length;
    data.withdrawn += result.withdrawn;
    data.virtualMs += result.virtualMs;
    data.requests += result.requests;
    for (const [kind, count] of Object.entries(result.faults)) data.faults[kind] = (data.faults[kind] ?? 0) + count;
    this.coverage.add(result.coverage);
    reachedTargets(result.coverage).forEach((reached, i) => {
      if (reached) data.targets[i]!++;
    });
    if (keepsClaims(result)) return false;
    this.fail({ kind: brokenClaims(result), count: 1, seed, path: String(run) });
    return true;
  }

  get schedules(): number {
    return this.data.schedules;
  }

  get failed(): number {
    return this.data.failures.reduce((sum, { count }) => sum + count, 0);
  }

  get operations(): number {
    return this.data.operations;
  }

  toData(): TallyData {
    return { ...this.data, coverage: this.coverage.rows() };
  }

  merge(other: TallyData): void {
    const { data } = this;
    for (const field of ["schedules", "operations", "acknowledgedWrites", "failedWrites", "withdrawn", "requests", "virtualMs"] as const) data[field] += other[field];
    for (const [kind, count] of Object.entries(other.faults)) data.faults[kind] = (data.faults[kind] ?? 0) + count;
    other.targets.forEach((count, i) => (data.targets[i]! += count));
    this.coverage.merge(other.coverage, other.schedules);
    other.failures.forEach((failure) => this.fail(failure));
  }

  /** The summary, the coverage table, what was never reached and the target paths' reach. */
  render(note: string, wallSeconds: number): string {
    const { data } = this;
    const lines = [
      `schedules run        ${data.schedules}${note}`,
      `operations recorded  ${data.operations} (${data.acknowledgedWrites} acknowledged writes)`,
      `writes not ok        ${data.failedWrites} (failed, unknown, or pending at a crash); ${data.withdrawn} observations of withdrawn values left out`,
      `storage requests     ${data.requests}`,
      `virtual time         ${(data.virtualMs / 3_600_000).toFixed(1)} h`,
      `faults injected      ${Object.entries(data.faults).map(([kind, n]) => `${kind} ${n}`).join(", ") || "none"}`,
      `wall time            ${wallSeconds.toFixed(1)} s`,
      "",
      `coverage (schedules reaching each protocol path and transition)\n${this.coverage.render()}`,
    ];
    const unreached = this.coverage.unreached();
    if (unreached.length > 0) lines.push("", `never reached\n${unreached.map((mark) => `  ${mark}`).join("\n")}`);
    lines.push("", "paths the simulation aims at (goal: half the schedules)");
    COVERAGE_TARGETS.forEach((target, i) => {
      const share = data.schedules === 0 ? 0 : data.targets[i]! / data.schedules;
      lines.push(`  ${target.name.padEnd(40)} ${(100 * share).toFixed(1).padStart(5)}%`);
    });
    return lines.join("\n");
  }

  /** Failures by kind, most frequent first, each with its first schedule. */
  failures(): readonly Failure[] {
    return [...this.data.failures].sort((a, b) => b.count - a.count);
  }

  private fail(failure: Failure): void {
    const known = this.data.failures.find(({ kind }) => kind === failure.kind);
    if (known) known.count += failure.count;
    else this.data.failures.push({ ...failure });
  }
}

/** What a failing schedule broke: its anomaly types, and reference-model mismatches and stuck reads. */
function brokenClaims(result: SimulationResult): string {
  const kinds = Object.keys(result.check.stats.anomalyCounts).sort();
  if (result.mismatches.length > 0) kinds.push("ReferenceMismatch");
  if (result.stuck.length > 0) kinds.push("Stuck");
  return kinds.join(", ") || "unknown verdict";
}
