/** What a Jepsen-style run is asked to do (the engine in run-jepsen.ts; the command line in command.ts). */
import type { S3ConnectionConfig } from "../../impl/s3-client.ts";
import type { FaultRates } from "../../model/faulty-storage.ts";
import type { TimingBounds } from "../../protocol/bounds.ts";
import type { ModelName } from "../check.ts";

export type OperationName = "put" | "putAll" | "delete" | "get" | "subscribe";

/** Relative weights of the operations each client picks; `subscribe` toggles its subscription to a random key. */
export type OperationWeights = Record<OperationName, number>;

export interface Workload {
  keys: number;
  weights: OperationWeights;
  /** The share of written values padded to `largeValueBytes`, above the client's inline threshold (4096 bytes). */
  largeValueFraction: number;
  largeValueBytes: number;
  /** Each client waits up to this long (uniformly drawn) between operations. */
  thinkMsMax: number;
}

export type NemesisFault = "kill" | "pause" | "faults";

export interface NemesisSchedule {
  faults: NemesisFault[];
  /** Quiet time before each fault. */
  intervalMs: number;
  /** How long each fault lasts: a killed client is restarted, a paused server continued, the storage faults healed. */
  durationMs: number;
  /** The storage faults' rates while `faults` is active. */
  rates: Partial<FaultRates>;
  /** Local server processes `pause` stops with SIGSTOP and continues with SIGCONT. */
  serverPids: number[];
}

export type RunTarget =
  | { kind: "simulator" }
  | { kind: "endpoint"; s3: S3ConnectionConfig; bucket: string; createBucket: boolean };

export interface RunProgress {
  phase: "workload" | "heal" | "settle" | "final reads" | "check";
  elapsedMs: number;
  durationMs: number;
  operations: number;
}

export interface RunOptions {
  target: RunTarget;
  clients: number;
  /** Each client in a worker OS process of its own (endpoints only), so the kill nemesis can SIGKILL it. */
  processes: boolean;
  durationMs: number;
  workload: Workload;
  nemesis: NemesisSchedule;
  bounds: TimingBounds;
  pollFrequencyMs: number;
  /** Content objects addressed by version id, in a versioned bucket. */
  versioning: boolean;
  /** Seeds every choice of operation, key and fault. */
  seed: number;
  models: readonly ModelName[];
  onProgress?: (progress: RunProgress) => void;
}

export const DEFAULT_WEIGHTS: OperationWeights = { put: 35, putAll: 15, delete: 10, get: 35, subscribe: 5 };

export const DEFAULT_FAULT_RATES: Partial<FaultRates> = {
  delay: 0.1,
  lostResponse: 0.03,
  lostRequest: 0.03,
  refused: 0.02,
  internalError: 0.03,
  slowDown: 0.03,
};

/** Throws on options no run can honour. */
export function assertRunnable(options: RunOptions): void {
  if (options.processes && options.target.kind === "simulator")
    throw new Error("the simulator lives in memory: worker processes (--processes) need an endpoint");
  if (options.nemesis.faults.includes("pause") && options.nemesis.serverPids.length === 0)
    throw new Error("the pause nemesis needs the server's pids (--server-pid)");
  if (!(options.clients >= 1 && Number.isInteger(options.clients))) throw new Error(`clients must be a positive integer, got ${options.clients}`);
  if (!(options.workload.keys >= 1 && Number.isInteger(options.workload.keys))) throw new Error(`keys must be a positive integer, got ${options.workload.keys}`);
  if (!(options.durationMs > 0)) throw new Error(`the duration must be positive, got ${options.durationMs} ms`);
  const weights = Object.values(options.workload.weights);
  if (weights.some((w) => !(w >= 0)) || !weights.some((w) => w > 0)) throw new Error("operation weights must be >= 0, and one > 0");
  if (options.nemesis.faults.length > 0 && !(options.nemesis.intervalMs > 0 && options.nemesis.durationMs > 0))
    throw new Error("the nemesis interval and duration must be positive");
}
