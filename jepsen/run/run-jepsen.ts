/**
 * A Jepsen-style run: clients doing a random workload against an endpoint
 * (in real time) or the in-memory simulator (in virtual time) while a nemesis
 * kills clients, pauses server processes or injects storage faults; then heal,
 * settle for the bounds' convergence time, quiesce, final reads, and a check
 * of the recorded history with the given models.
 */
import { realEnv, type Env } from "../../impl/env.ts";
import { convergedWithinMs } from "../../impl/replica.ts";
import { sleep } from "../../impl/retry.ts";
import { createBucket } from "../../impl/s3-bucket-admin.ts";
import { S3Storage } from "../../impl/s3-storage.ts";
import type { FaultCounts } from "../../model/faulty-storage.ts";
import { S3Simulator } from "../../model/s3-simulator.ts";
import { SeededRandom } from "../../model/seeded-random.ts";
import { VirtualClock } from "../../model/virtual-clock.ts";
import { check, type CheckResult } from "../check.ts";
import type { History } from "../history.ts";
import { HistoryRecorder } from "../recorder.ts";
import { ClientSlot } from "./client-slot.ts";
import { inProcessClients } from "./in-process-client.ts";
import { runNemesis } from "./nemesis.ts";
import { assertRunnable, type RunOptions, type RunProgress } from "./run-options.ts";
import type { StartClient } from "./run-client.ts";
import { summarize } from "./run-summary.ts";
import { runClientLoop } from "./workload-loop.ts";
import { workerClients } from "./worker-client.ts";

export const SIMULATOR_BUCKET = "run";
/** Virtual-clock timers the simulator may fire per client and virtual second before the run counts as runaway. */
const SIMULATOR_STEPS_PER_CLIENT_SECOND = 5_000;

export interface RunOutcome {
  history: History;
  /** The history as JSON Lines (docs/history-format.md). */
  jsonl: string;
  result: CheckResult;
  summary: Record<string, string | number>;
  /** What the clients logged as warnings or errors, and workers that died unasked. */
  warnings: string[];
}

export async function runJepsen(options: RunOptions): Promise<RunOutcome> {
  assertRunnable(options);
  const random = new SeededRandom(options.seed);
  const warnings: string[] = [];
  const { target } = options;
  if (target.kind === "simulator") {
    const clock = new VirtualClock({ seed: options.seed });
    const sim = new S3Simulator(clock);
    sim.createBucket(SIMULATOR_BUCKET, { versioning: options.versioning });
    const env = (name: string) => clock.env({ random: clock.random.fork(name) });
    const start = inProcessClients({ ...clientSettings(options, warnings), storage: sim, env, random: random.fork("faults"), bucket: SIMULATOR_BUCKET });
    const virtualMs = options.durationMs + convergedWithinMs(options.bounds, options.pollFrequencyMs) + 600_000;
    const maxSteps = Math.ceil(SIMULATOR_STEPS_PER_CLIENT_SECOND * options.clients * (virtualMs / 1000));
    return clock.runUntilSettled(runWorkload(options, start, env("run"), random, warnings), { maxMs: virtualMs, maxSteps });
  }
  const storage = new S3Storage(target.s3);
  if (target.createBucket) await createBucket(storage.client, target.bucket, options.versioning ? "versioned" : "unversioned");
  const settings = { ...clientSettings(options, warnings), bucket: target.bucket };
  const start = options.processes
    ? workerClients({ s3: target.s3, bucket: target.bucket, bounds: options.bounds, pollFrequencyMs: options.pollFrequencyMs, versioning: options.versioning }, random.fork("workers"), warnings)
    : inProcessClients({ ...settings, storage, env: () => realEnv, random: random.fork("faults") });
  return runWorkload(options, start, realEnv, random, warnings);
}

function clientSettings(options: RunOptions, warnings: string[]) {
  return { bounds: options.bounds, pollFrequencyMs: options.pollFrequencyMs, versioning: options.versioning, warnings };
}

async function runWorkload(options: RunOptions, start: StartClient, env: Env, random: SeededRandom, warnings: string[]): Promise<RunOutcome> {
  const recorder = new HistoryRecorder(() => env.now());
  const keys = Array.from({ length: options.workload.keys }, (_, i) => `key-${i}`);
  const slots = Array.from({ length: options.clients }, (_, i) => new ClientSlot(i, start, recorder, keys, warnings));
  let startedAt = env.now();
  let operations = 0;
  let phase: RunProgress["phase"] = "workload";
  const report = () => options.onProgress?.({ phase, elapsedMs: env.now() - startedAt, durationMs: options.durationMs, operations });
  const progress = (next: RunProgress["phase"]) => {
    phase = next;
    report();
  };
  const stop = new AbortController();
  let nemesis: Promise<void> = Promise.resolve();
  try {
    await Promise.all(slots.map((slot) => slot.launch()));
    startedAt = env.now();
    nemesis = runNemesis({ schedule: options.nemesis, slots, recorder, env, random: random.fork("nemesis"), stop: stop.signal });
    const stopAt = env.now() + options.durationMs;
    const loops = slots.map((slot, i) =>
      runClientLoop({
        slot,
        workload: options.workload,
        keys,
        env,
        random: random.fork(`client-${i}`),
        running: () => env.now() < stopAt,
        onOperation: () => {
          operations++;
          report();
        },
      }),
    );
    await sleep(env, options.durationMs);
    progress("heal");
    stop.abort();
    await nemesis;
    await Promise.all(loops);
    for (const slot of slots) slot.unsubscribeAll();
    progress("settle");
    await sleep(env, convergedWithinMs(options.bounds, options.pollFrequencyMs));
    recorder.quiesce();
    progress("final reads");
    await Promise.all(slots.map(async (slot) => { for (const key of keys) await slot.live?.process.get(key); }));
    await Promise.all(slots.map((slot) => slot.shutdown()));
  } finally {
    stop.abort();
    await nemesis.catch((error: Error) => warnings.push(`the nemesis failed: ${error.message}`));
    await Promise.all(slots.filter((slot) => slot.live !== undefined).map((slot) => slot.kill()));
  }
  progress("check");
  const history = recorder.history();
  const result = check(history, { models: options.models });
  const faults: FaultCounts[] = slots.flatMap((slot) => slot.faults);
  return { history, jsonl: recorder.jsonl(), result, summary: summarize(options, history, faults, env.now() - startedAt), warnings };
}
