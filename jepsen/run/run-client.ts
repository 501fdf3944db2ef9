/** One incarnation of one of a run's clients: in this process or in a worker process. */
import type { FaultCounts, FaultRates } from "../../model/faulty-storage.ts";
import type { RecordableClient } from "../recorder.ts";

export interface RunClient {
  readonly client: RecordableClient;
  /** Where it runs, for nemesis details: "in-process" or "pid 1234". */
  readonly where: string;
  /** Settles once the client is dead: killed, or its process gone. */
  readonly dead: Promise<void>;
  setFaultRates(rates: Partial<FaultRates>): void;
  heal(): void;
  /** Dies at once: nothing pending settles, its process (if any) gets SIGKILL. */
  kill(): Promise<void>;
  /** Waits for pending writes, then stops; resolves with the faults its storage injected. */
  shutdown(): Promise<FaultCounts>;
}

/** Starts an incarnation named `name`; `onDeath` hears of a death the run did not cause. */
export type StartClient = (name: string, onDeath: (reason: string) => void) => Promise<RunClient>;
