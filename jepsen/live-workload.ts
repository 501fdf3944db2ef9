/**
 * A mixed workload in real time, for real endpoints: each client runs one
 * sequential process of random put / putAll / delete / get while subscribed
 * to every key, for a given duration; then faults are healed, the system
 * settles, final reads are taken and the recorded history is checked.
 */
import type { Env } from "../impl/env.ts";
import type { MPS3 } from "../impl/mps3.ts";
import { convergedWithinMs } from "../impl/replica.ts";
import { sleep } from "../impl/retry.ts";
import type { TimingBounds } from "../protocol/bounds.ts";
import { judge, type Judgement } from "./judgement.ts";
import { HistoryRecorder, type RecordedProcess } from "./recorder.ts";

export interface LiveWorkloadOptions {
  clients: MPS3[];
  env: Env;
  bounds: TimingBounds;
  pollFrequencyMs: number;
  durationMs: number;
  keys: number;
  /** Called when the workload stops, before the system is left to settle. */
  heal: () => void;
}

export async function runLiveWorkload(options: LiveWorkloadOptions): Promise<Judgement> {
  const { env } = options;
  const recorder = new HistoryRecorder(() => env.now());
  const keys = Array.from({ length: options.keys }, (_, i) => `key-${i}`);
  const processes = options.clients.map((client, index) => recorder.process(index, client));
  for (const process of processes) for (const key of keys) process.subscribe(key);
  const stopAt = env.now() + options.durationMs;
  await Promise.all(processes.map((process) => runProcess(process, keys, env, () => env.now() < stopAt)));
  options.heal();
  for (const process of processes) process.unsubscribeAll();
  await sleep(env, convergedWithinMs(options.bounds, options.pollFrequencyMs));
  recorder.quiesce();
  for (const process of processes) for (const key of keys) await process.get(key);
  return judge(recorder);
}

async function runProcess(process: RecordedProcess, keys: string[], env: Env, running: () => boolean): Promise<void> {
  const pick = <T>(items: T[]): T => items[Math.floor(env.random() * items.length)]!;
  while (running()) {
    const roll = env.random();
    if (roll < 0.35) await process.put(pick(keys), process.uniqueValue(env.random() < 0.2 ? 5_000 : 0));
    else if (roll < 0.5) await process.putAll(someOf(keys, env).map((key) => [key, process.uniqueValue()]));
    else if (roll < 0.6) await process.delete(pick(keys));
    else await process.get(pick(keys));
    await sleep(env, Math.floor(env.random() * 50));
  }
}

/** A non-empty random subset, in order. */
function someOf(keys: string[], env: Env): string[] {
  const chosen = keys.filter(() => env.random() < 0.5);
  return chosen.length > 0 ? chosen : keys.slice(0, 1);
}
