/** The messages between a run and its worker processes (worker.ts), over the IPC channel of child_process.fork. */
import type { S3ConnectionConfig } from "../../impl/s3-client.ts";
import type { FaultCounts, FaultRates } from "../../model/faulty-storage.ts";
import type { TimingBounds } from "../../protocol/bounds.ts";
import type { Json } from "../history.ts";

export interface WorkerConfig {
  name: string;
  s3: S3ConnectionConfig;
  bucket: string;
  bounds: TimingBounds;
  pollFrequencyMs: number;
  versioning: boolean;
  /** Seeds the worker's storage faults. */
  seed: number;
}

/** `null` stands for undefined (a deleted or absent key), which JSON cannot carry. */
export type WorkerCall =
  | { op: "put"; key: string; value: Json | null }
  | { op: "putAll"; pairs: [string, Json | null][] }
  | { op: "get"; key: string };

export type ToWorker =
  | { type: "init"; config: WorkerConfig }
  | { type: "call"; id: number; call: WorkerCall }
  | { type: "subscribe"; subscription: number; key: string }
  | { type: "unsubscribe"; subscription: number }
  | { type: "faults"; rates: Partial<FaultRates> }
  | { type: "heal" }
  | { type: "shutdown" };

export type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; value: Json | null }
  | { type: "error"; id: number; message: string; outcome?: "not written" | "unknown" }
  | { type: "notify"; subscription: number; value: Json | null }
  | { type: "warning"; message: string }
  | { type: "stopped"; faults: FaultCounts };
