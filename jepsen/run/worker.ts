/**
 * A worker process of a run: one MPS3 client over the endpoint, behind its
 * own fault-injecting storage, doing what the parent asks over IPC. It has no
 * memory of earlier workers: a restarted one is a new client session.
 */
import { realEnv } from "../../impl/env.ts";
import type { LogLevel } from "../../impl/logger.ts";
import { MPS3 } from "../../impl/mps3.ts";
import { S3Storage } from "../../impl/s3-storage.ts";
import { WriteError } from "../../impl/write-errors.ts";
import { FaultyStorage } from "../../model/faulty-storage.ts";
import { SeededRandom } from "../../model/seeded-random.ts";
import { CHECKED_TIMEOUTS } from "../checked-timeouts.ts";
import type { Json } from "../history.ts";
import type { FromWorker, ToWorker, WorkerCall, WorkerConfig } from "./worker-protocol.ts";

interface Worker {
  mps3: MPS3;
  storage: FaultyStorage;
  subscriptions: Map<number, () => void>;
}

let worker: Worker | undefined;

function send(message: FromWorker): void {
  process.send!(message);
}

function start(config: WorkerConfig): Worker {
  const storage = new FaultyStorage(new S3Storage(config.s3), { env: realEnv, random: new SeededRandom(config.seed) });
  const mps3 = new MPS3({
    defaultBucket: config.bucket,
    storage,
    bounds: config.bounds,
    pollFrequency: config.pollFrequencyMs,
    useVersioning: config.versioning,
    label: config.name,
    log: (level: LogLevel, message: string) => {
      if (level === "warn" || level === "error") send({ type: "warning", message });
    },
    ...CHECKED_TIMEOUTS,
  });
  return { mps3, storage, subscriptions: new Map() };
}

async function perform(mps3: MPS3, call: WorkerCall): Promise<Json | null> {
  switch (call.op) {
    case "put":
      await mps3.put(call.key, call.value ?? undefined);
      return null;
    case "putAll":
      await mps3.putAll(new Map(call.pairs.map(([key, value]) => [key, value ?? undefined])));
      return null;
    case "get":
      return (await mps3.get(call.key)) ?? null;
  }
}

async function answer(mps3: MPS3, id: number, call: WorkerCall): Promise<void> {
  try {
    send({ type: "result", id, value: await perform(mps3, call) });
  } catch (error) {
    const outcome = error instanceof WriteError ? error.outcome : undefined;
    send({ type: "error", id, message: String((error as Error)?.message ?? error), ...(outcome ? { outcome } : {}) });
  }
}

function handle(message: ToWorker): void {
  if (message.type === "init") {
    if (worker !== undefined) throw new Error("the worker is already started");
    worker = start(message.config);
    return send({ type: "ready" });
  }
  if (worker === undefined) throw new Error(`${message.type} before init`);
  const { mps3, storage, subscriptions } = worker;
  switch (message.type) {
    case "call":
      return void answer(mps3, message.id, message.call);
    case "subscribe":
      return void subscriptions.set(
        message.subscription,
        mps3.subscribe(message.key, (value, error) => {
          if (error === undefined) send({ type: "notify", subscription: message.subscription, value: value ?? null });
        }),
      );
    case "unsubscribe":
      subscriptions.get(message.subscription)?.();
      return void subscriptions.delete(message.subscription);
    case "faults":
      return storage.setRates(message.rates);
    case "heal":
      return storage.heal();
    case "shutdown":
      return void mps3.shutdown().then(() => {
        send({ type: "stopped", faults: storage.faults() });
        process.disconnect!();
      });
  }
}

if (process.send === undefined) throw new Error("worker.ts runs as a child process of a run (child_process.fork)");
process.on("message", (message: ToWorker) => handle(message));
// Without its parent the worker has no one to answer.
process.on("disconnect", () => process.exit(0));
