/** Each client's sequential loop of randomly chosen operations, by the workload's weights. */
import type { Env } from "../../impl/env.ts";
import { sleep } from "../../impl/retry.ts";
import type { SeededRandom } from "../../model/seeded-random.ts";
import type { Json } from "../history.ts";
import type { Pair, RecordedProcess } from "../recorder.ts";
import type { ClientSlot } from "./client-slot.ts";
import type { OperationName, Workload } from "./run-options.ts";

/** How long a loop whose client is dead waits before looking again. */
const DEAD_CLIENT_WAIT_MS = 50;
/** The share of a batch's keys it deletes. */
const BATCH_DELETE_FRACTION = 0.1;

export interface LoopContext {
  slot: ClientSlot;
  workload: Workload;
  keys: readonly string[];
  env: Env;
  random: SeededRandom;
  running: () => boolean;
  /** Told after each operation the loop finished. */
  onOperation: () => void;
}

export async function runClientLoop(context: LoopContext): Promise<void> {
  const { slot, env, random, running } = context;
  while (running()) {
    const live = slot.live;
    if (live === undefined) {
      await sleep(env, DEAD_CLIENT_WAIT_MS);
      continue;
    }
    // A killed in-process client never settles what it had pending.
    await Promise.race([perform(pickOperation(context), live.process, context), live.client.dead]);
    context.onOperation();
    await sleep(env, Math.floor(random.next() * context.workload.thinkMsMax));
  }
}

function pickOperation({ workload, random }: LoopContext): OperationName {
  const entries = Object.entries(workload.weights) as [OperationName, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [name, weight] of entries) {
    if (roll < weight) return name;
    roll -= weight;
  }
  return entries.findLast(([, weight]) => weight > 0)![0];
}

function perform(operation: OperationName, process: RecordedProcess, context: LoopContext): Promise<unknown> {
  const key = pick(context.keys, context.random);
  switch (operation) {
    case "put":
      return process.put(key, valueFor(process, context));
    case "putAll":
      return process.putAll(someOf(context.keys, context.random).map((k): Pair => [k, batchValue(process, context)]));
    case "delete":
      return process.delete(key);
    case "get":
      return process.get(key);
    case "subscribe":
      return Promise.resolve(context.slot.toggleSubscription(key));
  }
}

function valueFor(process: RecordedProcess, { workload, random }: LoopContext): Json {
  return process.uniqueValue(random.next() < workload.largeValueFraction ? workload.largeValueBytes : 0);
}

function batchValue(process: RecordedProcess, context: LoopContext): Json | null {
  return context.random.next() < BATCH_DELETE_FRACTION ? null : valueFor(process, context);
}

function pick<T>(items: readonly T[], random: SeededRandom): T {
  return items[Math.floor(random.next() * items.length)]!;
}

/** A non-empty random subset, in order. */
function someOf(keys: readonly string[], random: SeededRandom): string[] {
  const chosen = keys.filter(() => random.next() < 0.5);
  return chosen.length > 0 ? chosen : [pick(keys, random)];
}
