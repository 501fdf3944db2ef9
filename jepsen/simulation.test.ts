import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { targetReach } from "./coverage-targets.ts";
import { correctnessProperty, WORLDS } from "./simulation-commands.ts";
import type { SimulationResult } from "./simulation.ts";
import { transitionMark } from "./coverage.ts";

/** The transitions that give a write up, which only worlds where writes may fail take. */
const WRITE_FAILURES = [
  transitionMark("entry", "putting", "putFatal", "failed"),
  transitionMark("entry", "lookingUp", "lookUpGaveUp", "unknown"),
  transitionMark("entry", "lookingUp", "notCountedLate", "failed"),
  transitionMark("write", "inFlight", "entryFailed", "failed"),
  transitionMark("write", "inFlight", "entryUnknown", "unknown"),
  transitionMark("write", "uploading", "contentFailed", "failed"),
  transitionMark("write", "uploading", "expired", "failed"),
  transitionMark("write", "failed", "contentFailed", "failed"),
];

/**
 * Real MPS3 clients on the simulated S3 with faults, every answer's release
 * and every clock step chosen by fast-check. A failure prints its seed and
 * path, unshrunk (a schedule takes a tenth of a second, shrinking one takes
 * minutes); `npx tsx scripts/soak.ts --world W --seed=S --path=P --shrink`
 * replays and shrinks it.
 */
describe("simulation: every claim holds under faults and chosen interleavings", () => {
  it("200 random worlds (clients joining, leaving, crashing; lost requests and answers, 500/503, long partitions, planted objects, long idle stretches) keep every claim and reach checkpoints, autoclean, the warm listing's fall-back and the late look-up", async () => {
    const coverage: Array<ReadonlyMap<string, number>> = [];
    await fc.assert(
      correctnessProperty(WORLDS.random, undefined, (result) => void coverage.push(result.coverage)),
      { numRuns: 200, endOnFailure: true },
    );
    const reach = targetReach(coverage);
    console.log(`schedules reaching each protocol path (of ${coverage.length}):\n${reach.map(({ target, share }) => `  ${target.name.padEnd(40)} ${(100 * share).toFixed(0)}%`).join("\n")}`);
    for (const { target, share } of reach) expect([target.name, share >= 0.3]).toEqual([target.name, true]);
  }, 300_000);

  it("one client agrees exactly with the single-writer reference model", async () => {
    let compared = 0;
    await fc.assert(
      correctnessProperty(WORLDS["one-client"], undefined, (result) => {
        compared += result.history.operations.filter((op) => op.f === "read" && op.status === "ok").length;
      }),
      { numRuns: 60, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(300);
  }, 120_000);

  it("tight bounds with slow requests: late entries are rejected alike by everyone", async () => {
    await fc.assert(correctnessProperty(WORLDS.tight), { numRuns: 25, endOnFailure: true });
  }, 300_000);

  it("80 worlds where writes fail (deadlines, short horizons, revoked access, stalled listings) keep every claim but the withdrawn values, and take each way a write fails", async () => {
    const reached = new Map<string, number>();
    let operations = 0;
    let withdrawn = 0;
    await fc.assert(
      correctnessProperty(WORLDS["failing-writes"], undefined, (result) => {
        operations += result.history.operations.length;
        withdrawn += result.withdrawn;
        for (const mark of WRITE_FAILURES) if ((result.coverage.get(mark) ?? 0) > 0) reached.set(mark, (reached.get(mark) ?? 0) + 1);
      }),
      { numRuns: 80, endOnFailure: true },
    );
    console.log(`failing-writes worlds: ${withdrawn} of ${operations} operations left out as observations of withdrawn values; schedules reaching each way a write fails:\n${WRITE_FAILURES.map((mark) => `  ${mark.padEnd(60)} ${reached.get(mark) ?? 0}`).join("\n")}`);
    expect(WRITE_FAILURES.filter((mark) => !reached.has(mark))).toEqual([]);
    expect(withdrawn).toBeGreaterThan(0);
    expect(withdrawn / operations).toBeLessThan(0.25);
  }, 300_000);

  it("replays a run byte for byte from its seed", async () => {
    const record = async () => {
      const histories: string[] = [];
      await fc.assert(
        correctnessProperty(WORLDS.random, undefined, (result: SimulationResult) => void histories.push(result.jsonl)),
        { seed: 20261123, numRuns: 8, endOnFailure: true },
      );
      return histories;
    };
    const first = await record();
    expect(first.some((jsonl) => jsonl.split("\n").length > 100)).toBe(true);
    expect(await record()).toEqual(first);
  }, 60_000);
});
