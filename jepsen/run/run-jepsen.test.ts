import { describe, expect, it } from "vitest";
import { CLAIMED_MODELS } from "../judgement.ts";
import { parseHistory } from "../history.ts";
import { renderResult } from "../render.ts";
import { runJepsen } from "./run-jepsen.ts";
import { DEFAULT_FAULT_RATES, DEFAULT_WEIGHTS, type RunOptions } from "./run-options.ts";

const simulatorRun = (overrides: Partial<RunOptions> = {}): RunOptions => ({
  target: { kind: "simulator" },
  clients: 4,
  processes: false,
  durationMs: 30_000,
  workload: { keys: 5, weights: DEFAULT_WEIGHTS, largeValueFraction: 0.2, largeValueBytes: 6_000, thinkMsMax: 300 },
  nemesis: { faults: ["kill", "faults"], intervalMs: 5_000, durationMs: 3_000, rates: DEFAULT_FAULT_RATES, serverPids: [] },
  bounds: { staleMs: 3_000, marginMs: 1_000 },
  pollFrequencyMs: 200,
  versioning: false,
  seed: 7,
  models: CLAIMED_MODELS,
  ...overrides,
});

describe("runJepsen on the simulator", () => {
  it("30 s of virtual time with kills and storage faults keeps every claim, and its history parses with the nemesis events", async () => {
    const phases: string[] = [];
    const started = performance.now();
    const outcome = await runJepsen(simulatorRun({ onProgress: ({ phase }) => phases.at(-1) !== phase && phases.push(phase) }));
    console.log(`simulator run: ${Math.round(performance.now() - started)} ms, ${JSON.stringify(outcome.summary)}`);
    expect(outcome.result.valid, renderResult(outcome.result, outcome.history)).toBe(true);
    expect(phases).toEqual(["workload", "heal", "settle", "final reads", "check"]);

    const history = parseHistory(outcome.jsonl);
    expect(history.operations.length).toBe(outcome.history.operations.length);
    const nemesis = history.events.filter((event) => event.f === "nemesis").map((event) => event.value as Record<string, string>);
    expect(nemesis.filter((note) => note.phase === "start").map((note) => note.fault)).toEqual(expect.arrayContaining(["kill", "faults"]));
    expect(nemesis.filter((note) => note.phase === "start").length).toBe(nemesis.filter((note) => note.phase === "stop").length);
    const restarted = new Set(history.operations.map((op) => String(op.process)).filter((process) => /^c\dr\d+$/.test(process)));
    expect(restarted.size).toBeGreaterThan(0);
    expect(history.operations.filter((op) => op.final).length).toBeGreaterThanOrEqual(4 * 5);
    expect(outcome.summary["storage faults injected"]).not.toBe("none");
  }, 60_000);

  it("refuses worker processes on the simulator and a pause without pids", async () => {
    await expect(runJepsen(simulatorRun({ processes: true }))).rejects.toThrow(/need an endpoint/);
    await expect(runJepsen(simulatorRun({ nemesis: { ...simulatorRun().nemesis, faults: ["pause"] } }))).rejects.toThrow(/--server-pid/);
  });
});
