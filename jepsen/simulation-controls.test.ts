import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { laggyListings } from "../model/vendor-profiles.ts";
import { DEFAULT_BOUNDS } from "../protocol/bounds.ts";
import type { ProtocolRules } from "../protocol/rules.ts";
import { MUTANT_NAMES, MUTANTS, type MutantName } from "./protocol-mutants.ts";
import { correctnessProperty, WORLDS, type WorldShape } from "./simulation-commands.ts";
import type { SimulationResult } from "./simulation.ts";

/**
 * Checker power: worlds that break an assumption, and protocol mutants, must
 * be caught. Seeds are fixed so the schedules needed are reproducible.
 */
const SEED = 42;

interface Hunt {
  caught: boolean;
  schedules: number;
  /** Anomaly types (and reference-model mismatches) of the catching schedule. */
  found: string[];
}

async function hunt(shape: WorldShape, maxSchedules: number, rules?: ProtocolRules): Promise<Hunt> {
  let last: SimulationResult | undefined;
  const outcome = await fc.check(correctnessProperty(shape, rules, (result) => (last = result)), {
    seed: SEED,
    numRuns: maxSchedules,
    endOnFailure: true,
  });
  if (!outcome.failed || last === undefined) return { caught: false, schedules: outcome.numRuns, found: [] };
  const found = Object.keys(last.check.stats.anomalyCounts);
  if (last.mismatches.length > 0) found.push("ReferenceMismatch");
  if (last.stuck.length > 0) found.push("Stuck");
  return { caught: true, schedules: outcome.numRuns, found };
}

/** Where each mutant's fault shows: each rule matters only in some worlds. */
const MUTANT_WORLDS: Record<MutantName, WorldShape> = {
  noLamportBump: {},
  twoPutsInFlight: { maxClients: 2, processesPerClient: [2, 2], keys: [1, 1], faultRates: [0.1, 0.2], crashes: false, keepLog: true },
  shortReplayWindow: {},
  // A late entry shows only while it stays its key's last write: short schedules.
  noStaleCheck: { ...WORLDS.tight, commands: [10, 40] },
  dropOptimisticOnFailure: {},
};

/**
 * What each mutant's catching schedule must show: at least one anomaly of
 * `must` (what the undone rule exists to prevent), and nothing outside
 * `must` and `may` (its consequences).
 */
const MUTANT_ANOMALIES: Record<MutantName, { must: string[]; may: string[] }> = {
  // A write not ordered after what its writer saw: a read of an overwritten value, or a cycle.
  noLamportBump: { must: ["CyclicCF", "WriteCORead"], may: ["WriteCOInitRead", "MonotonicWrites", "MonotonicReads", "ReadYourWrites", "WritesFollowReads"] },
  // A session's later entry lands before its earlier one, which then wins.
  twoPutsInFlight: { must: ["MonotonicWrites", "LostWrite", "WriteCORead"], may: ["MonotonicReads", "CyclicCF", "ReadYourWrites"] },
  // Warm readers skip entries that appear late in the listing; cold ones apply them.
  shortReplayWindow: { must: ["Divergence", "LostWrite", "ReferenceMismatch"], may: ["WriteCOInitRead", "WriteCORead", "WritesFollowReads", "MonotonicReads"] },
  // Invalid (late) entries are applied by the replicas that happen to see them.
  noStaleCheck: { must: ["Divergence"], may: ["ReferenceMismatch", "LostWrite"] },
  // A reader sees its own write, then (after a failed attempt) the older value again.
  dropOptimisticOnFailure: { must: ["MonotonicReads", "ReadYourWrites"], may: ["WriteCORead", "WriteCOInitRead"] },
};

const table: string[] = [];

describe("protocol mutants are caught", () => {
  afterAll(() => {
    const caught = table.filter((row) => row.includes("caught after")).length;
    console.log(`mutant catch rate ${caught}/${MUTANT_NAMES.length}\n${table.join("\n")}`);
  });

  it.each(MUTANT_NAMES)("%s", async (name) => {
    const result = await hunt(MUTANT_WORLDS[name], 5_000, MUTANTS[name]);
    table.push(`  ${name.padEnd(24)} ${result.caught ? `caught after ${result.schedules} schedules: ${result.found.join(", ")}` : `NOT caught in ${result.schedules}`}`);
    expect(result.caught).toBe(true);
    const { must, may } = MUTANT_ANOMALIES[name];
    expect(result.found.filter((type) => must.includes(type))).not.toEqual([]);
    for (const type of result.found) expect([...must, ...may]).toContain(type);
  }, 300_000);

  it("while the unmutated protocol passes the same worlds", async () => {
    for (const shape of new Set(Object.values(MUTANT_WORLDS))) expect((await hunt(shape, 20)).caught).toBe(false);
  }, 300_000);
});

describe("broken assumptions are reported (docs/simulation.md, measured limits)", () => {
  it("listings lagging 15 s behind writes (beyond stale + margin) break convergence or causal order", async () => {
    const result = await hunt({ profile: laggyListings(15_000), bounds: [DEFAULT_BOUNDS], faults: false, crashes: false }, 500);
    console.log(`listing lag 15 s: caught after ${result.schedules} schedules: ${result.found.join(", ")}`);
    expect(result.caught).toBe(true);
    expect(result.found.length).toBeGreaterThan(0);
    for (const type of result.found) expect(["Divergence", "LostWrite", "ReferenceMismatch", "WriteCORead", "MonotonicWrites"]).toContain(type);
  }, 300_000);

  it("listings lagging 1.5 s (within the margin) break nothing", async () => {
    expect((await hunt({ profile: laggyListings(1_500), bounds: [DEFAULT_BOUNDS] }, 40)).caught).toBe(false);
  }, 300_000);

  it("clocks 30 s off with Date correction off: writes are never acknowledged and replicas diverge, but nothing acknowledged is lost", async () => {
    const result = await hunt({ maxSkewMs: 30_000, adaptiveClock: false, faults: false, crashes: false, bounds: [DEFAULT_BOUNDS] }, 500);
    console.log(`skew beyond the bound: caught after ${result.schedules} schedules: ${result.found.join(", ")}`);
    expect(result.caught).toBe(true);
    expect(result.found).toEqual(["Divergence"]);
  }, 300_000);
});
