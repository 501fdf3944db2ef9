import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { correctnessProperty, TIGHT_BOUNDS } from "./simulation-commands.ts";
import type { SimulationResult } from "./simulation.ts";

/**
 * Real MPS3 clients on the simulated S3 with faults, every answer's release
 * and every clock step chosen by fast-check. A failure prints its seed and
 * path; `npx tsx scripts/soak.ts --runs 1 --seed S --path P` replays it.
 */
describe("simulation: every claim holds under faults and chosen interleavings", () => {
  it("3,000 random worlds: 1-4 clients, skew and drift, lost requests and answers, 500/503, partitions, crashes", async () => {
    await fc.assert(correctnessProperty(), { numRuns: 3_000 });
  }, 300_000);

  it("one client agrees exactly with the single-writer reference model", async () => {
    let compared = 0;
    await fc.assert(
      correctnessProperty({ maxClients: 1, processesPerClient: [1, 1] }, undefined, (result) => {
        compared += result.history.operations.filter((op) => op.f === "read" && op.status === "ok").length;
      }),
      { numRuns: 300 },
    );
    expect(compared).toBeGreaterThan(300);
  }, 120_000);

  it("tight bounds with slow requests: late entries are rejected alike by everyone", async () => {
    await fc.assert(correctnessProperty({ bounds: [TIGHT_BOUNDS], slowRequestsMs: [1_000, 8_000], faultRates: [0.1, 0.2] }), {
      numRuns: 500,
    });
  }, 300_000);

  it("replays a run byte for byte from its seed", async () => {
    const record = async () => {
      const histories: string[] = [];
      await fc.assert(
        correctnessProperty({}, undefined, (result: SimulationResult) => void histories.push(result.jsonl)),
        { seed: 20261123, numRuns: 20 },
      );
      return histories;
    };
    const first = await record();
    expect(first.some((jsonl) => jsonl.split("\n").length > 20)).toBe(true);
    expect(await record()).toEqual(first);
  }, 60_000);
});
