/**
 * Runs as many simulation schedules as asked (default 10,000), each a random
 * world with faults, checked by the history checker and the reference model.
 * Stops at the first failure and prints its seed, fast-check path and history
 * file; `--seed=S --path=P` replays exactly that schedule, and with
 * `--shrink` shrinks it first (for at most `--shrink-minutes`) and prints the
 * smaller schedule's replay command. With `--keep-going` it runs every
 * schedule and tallies the failures by kind, each with the replay command of
 * its first schedule. `--world` names one of the tests' worlds (default
 * random). Prints which protocol paths and machine transitions the schedules
 * reached (jepsen/coverage.ts), and every transition of the protocol's tables
 * that none reached.
 *
 *   npx tsx scripts/soak.ts [--runs 10000] [--world random|one-client|tight] [--seed S]
 *     [--path P [--shrink]] [--mutant NAME] [--keep-going] [--history FILE]
 *   npm run soak -- --help
 */
import { writeFileSync } from "node:fs";
import { SingleBar, Presets } from "cli-progress";
import { Command, InvalidArgumentError, Option } from "commander";
import fc from "fast-check";
import { LIFECYCLES } from "../protocol/index.ts";
import { MUTANT_NAMES, MUTANTS, type MutantName } from "../jepsen/protocol-mutants.ts";
import { CoverageTable, transitionMarks } from "../jepsen/coverage.ts";
import { targetReach } from "../jepsen/coverage-targets.ts";
import { assertCorrect, keepsClaims, simulationProperty, WORLD_NAMES, WORLDS, type WorldName } from "../jepsen/simulation-commands.ts";
import type { SimulationResult } from "../jepsen/simulation.ts";

interface SoakOptions {
  runs: number;
  seed?: number;
  path?: string;
  mutant?: MutantName;
  history: string;
  keepGoing?: boolean;
  world: WorldName;
  shrink?: boolean;
  shrinkMinutes: number;
}

const program = new Command("soak")
  .description("Runs simulation schedules, each a random world with faults, checked by the history checker and the reference model.")
  .addOption(new Option("--runs <n>", "schedules to run").argParser(positiveInteger).default(10_000))
  .addOption(new Option("--world <name>", "the tests' world to draw schedules from").choices(WORLD_NAMES).default("random"))
  .option("--seed <s>", "seed of the run (default: random)", integer)
  .option("--path <p>", "replay the one schedule at this fast-check path (with --seed)")
  .option("--shrink", "shrink the schedule --path names first, then print the smaller one's replay command")
  .option("--shrink-minutes <m>", "time limit of --shrink", positiveInteger, 20)
  .addOption(new Option("--mutant <name>", "run against a protocol with one rule broken").choices(MUTANT_NAMES))
  .option("--keep-going", "run every schedule and tally the failures by kind")
  .option("--history <file>", "where the first failing schedule's history goes", "soak-failure.jsonl")
  .showHelpAfterError("(add --help for usage)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();
const values = program.opts<SoakOptions>();
if (values.shrink && values.path === undefined) program.error("error: --shrink shrinks the failing schedule --path names");

const runs = values.path === undefined ? values.runs : 1;
const keepGoing = values.keepGoing === true && values.path === undefined;
const seed = values.seed ?? Date.now() ^ (Math.random() * 0x100000000);
const mutantFlag = values.mutant === undefined ? "" : ` --mutant ${values.mutant}`;
const worldFlag = values.world === "random" ? "" : ` --world ${values.world}`;
const replay = (path: string) => `npx tsx scripts/soak.ts${worldFlag} --seed=${seed} --path=${path}${mutantFlag}`;

const totals = { schedules: 0, operations: 0, acknowledgedWrites: 0, requests: 0, virtualMs: 0, faults: {} as Record<string, number> };
const coverage = new CoverageTable(transitionMarks(LIFECYCLES));
const reached: Array<ReadonlyMap<string, number>> = [];
/** Failures by what they broke, with the first schedule (its fast-check path: the run's index) of each. */
const failures = new Map<string, { count: number; path: string }>();
let failing: SimulationResult | undefined;
const bar = new SingleBar({ format: "soak [{bar}] {value}/{total} schedules | {eta_formatted} left | {ops} ops | {failed} failed" }, Presets.shades_classic);

const record = (result: SimulationResult) => {
  const run = totals.schedules++;
  if (!keepsClaims(result)) {
    // While shrinking, each failing schedule is smaller than the one before.
    if (values.shrink || failing === undefined) failing = result;
    const kind = brokenClaims(result);
    const tally = failures.get(kind) ?? { count: 0, path: String(run) };
    tally.count++;
    failures.set(kind, tally);
  }
  totals.operations += result.history.operations.length;
  totals.acknowledgedWrites += result.history.operations.filter((op) => op.writes.length > 0 && op.status === "ok").length;
  totals.virtualMs += result.virtualMs;
  totals.requests += result.requests;
  for (const [kind, count] of Object.entries(result.faults)) totals.faults[kind] = (totals.faults[kind] ?? 0) + count;
  coverage.add(result.coverage);
  reached.push(result.coverage);
  bar.increment(1, { ops: totals.operations, failed: [...failures.values()].reduce((sum, { count }) => sum + count, 0) });
};

const rules = values.mutant === undefined ? undefined : MUTANTS[values.mutant];
const property = simulationProperty(WORLDS[values.world], rules, (result) => {
  record(result);
  if (!keepGoing) assertCorrect(result);
});
const started = performance.now();
bar.start(runs, 0, { ops: 0, failed: 0 });
const outcome = await fc.check(property, {
  numRuns: runs,
  seed,
  ...(values.path !== undefined ? { path: values.path } : {}),
  ...(values.shrink ? { interruptAfterTimeLimit: values.shrinkMinutes * 60_000 } : { endOnFailure: true }),
});
bar.stop();
const seconds = (performance.now() - started) / 1000;

console.log(`\nschedules run        ${totals.schedules}${values.shrink ? " (while shrinking)" : ""}`);
console.log(`operations recorded  ${totals.operations} (${totals.acknowledgedWrites} acknowledged writes)`);
console.log(`storage requests     ${totals.requests}`);
console.log(`virtual time         ${(totals.virtualMs / 3_600_000).toFixed(1)} h`);
console.log(`faults injected      ${Object.entries(totals.faults).map(([kind, n]) => `${kind} ${n}`).join(", ") || "none"}`);
console.log(`wall time            ${seconds.toFixed(1)} s`);
console.log(`\ncoverage (schedules reaching each protocol path and transition)\n${coverage.render()}`);
const unreached = coverage.unreached();
if (unreached.length > 0) console.log(`\nnever reached\n${unreached.map((mark) => `  ${mark}`).join("\n")}`);
console.log("\npaths the simulation aims at (goal: half the schedules)");
for (const { target, share } of targetReach(reached)) console.log(`  ${target.name.padEnd(40)} ${(100 * share).toFixed(1).padStart(5)}%`);
console.log("");
if (failing) writeFileSync(values.history, failing.jsonl);
if (keepGoing) {
  const failed = [...failures.values()].reduce((sum, { count }) => sum + count, 0);
  console.log(`result               ${failed} of ${totals.schedules} schedules broke a claim`);
  for (const [kind, { count, path }] of [...failures].sort((a, b) => b[1].count - a[1].count))
    console.log(`  ${String(count).padStart(6)}  ${kind}\n          first: ${replay(path)}`);
  if (failing) console.log(`history              ${values.history} (the first failure; check it: npx tsx jepsen/cli.ts check ${values.history})`);
  if (failed > 0) process.exitCode = 1;
} else if (!outcome.failed) {
  console.log("result               0 anomalies, 0 reference-model mismatches");
} else {
  console.log(`result               FAILED after ${outcome.numRuns} schedules`);
  console.log(`replay               ${replay(outcome.counterexamplePath!)}`);
  console.log(`history              ${values.history} (check it: npx tsx jepsen/cli.ts check ${values.history})`);
  console.log(String(outcome.errorInstance).split("\n").slice(0, 40).join("\n"));
  process.exitCode = 1;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError("not an integer");
  return value;
}

function positiveInteger(text: string): number {
  const value = integer(text);
  if (value < 1) throw new InvalidArgumentError("not a positive integer");
  return value;
}

/** What a failing schedule broke: its anomaly types, and reference-model mismatches and stuck reads. */
function brokenClaims(result: SimulationResult): string {
  const kinds = Object.keys(result.check.stats.anomalyCounts).sort();
  if (result.mismatches.length > 0) kinds.push("ReferenceMismatch");
  if (result.stuck.length > 0) kinds.push("Stuck");
  return kinds.join(", ") || "unknown verdict";
}
