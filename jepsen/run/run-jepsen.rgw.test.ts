import { afterAll, describe, expect, it } from "vitest";
import { deleteBucket } from "../../impl/s3-bucket-admin.ts";
import { findRgw, RGW_SKIP_MESSAGE, uniqueBucketName } from "../../impl/s3-test-servers.ts";
import { S3Storage } from "../../impl/s3-storage.ts";
import { CLAIMED_MODELS } from "../judgement.ts";
import { renderResult } from "../render.ts";
import { runJepsen } from "./run-jepsen.ts";
import { DEFAULT_FAULT_RATES, DEFAULT_WEIGHTS } from "./run-options.ts";

const rgw = await findRgw();
const skip = rgw === undefined && process.env.CI !== "true";
if (skip) console.warn(RGW_SKIP_MESSAGE);

const DURATION_MS = 20_000;

describe.skipIf(skip)("runJepsen with worker processes against Ceph RGW", () => {
  const bucket = uniqueBucketName("run");
  afterAll(() => deleteBucket(new S3Storage(rgw!).client, bucket, "unversioned"));

  it("4 workers, killed and restarted every few seconds, keep every claim; a killed worker's operation stays unknown", async () => {
    if (rgw === undefined) throw new Error(`CI needs Ceph RGW: ${RGW_SKIP_MESSAGE}`);
    const started = performance.now();
    const outcome = await runJepsen({
      target: { kind: "endpoint", s3: rgw, bucket, createBucket: true },
      clients: 4,
      processes: true,
      durationMs: DURATION_MS,
      workload: { keys: 5, weights: DEFAULT_WEIGHTS, largeValueFraction: 0.2, largeValueBytes: 6_000, thinkMsMax: 50 },
      nemesis: { faults: ["kill", "faults"], intervalMs: 2_000, durationMs: 1_000, rates: DEFAULT_FAULT_RATES, serverPids: [] },
      bounds: { staleMs: 3_000, marginMs: 1_000 },
      pollFrequencyMs: 200,
      versioning: false,
      seed: Number(process.env.MPS3_RUN_SEED ?? Date.now() % 1_000_000),
      models: CLAIMED_MODELS,
    });
    console.log(`RGW run with workers: ${Math.round(performance.now() - started)} ms, ${JSON.stringify(outcome.summary)}`);
    const { history } = outcome;
    expect(outcome.result.valid, renderResult(outcome.result, history)).toBe(true);

    const kills = history.events.flatMap((event) => {
      const note = event.value as { fault?: string; phase?: string; detail?: string } | undefined;
      if (event.f !== "nemesis" || note?.fault !== "kill" || note.phase !== "start") return [];
      return [{ at: event.index, name: /killed (c\d+(?:r\d+)?) \(pid \d+\)/.exec(note.detail ?? "")?.[1] }];
    });
    expect(kills.length).toBeGreaterThan(0);
    expect(kills.every(({ name }) => name !== undefined)).toBe(true);
    const killed = kills.map(({ name }) => name);
    expect(history.operations.filter((op) => op.status === "info" && killed.includes(String(op.process))).length).toBeGreaterThan(0);
    for (const { at, name } of kills) expect(history.operations.filter((op) => op.index > at && op.process === name)).toEqual([]);
    const restarted = new Set(history.operations.map((op) => String(op.process)).filter((process) => /^c\dr\d+$/.test(process)));
    expect(restarted.size).toBeGreaterThan(0);
  }, DURATION_MS + 180_000);
});
