import type { Process } from "../history.ts";
import type { Step } from "./paths.ts";

/** Anomalies refer to operations by the history index of their invocation. */
export type CycleType = "CyclicCO" | "CyclicHB" | "CyclicCF";
export type StaleReadType =
  | "WriteCOInitRead"
  | "WriteCORead"
  | "WriteHBInitRead"
  | "ReadYourWrites"
  | "MonotonicReads"
  | "MonotonicWrites"
  | "WritesFollowReads"
  | "FracturedRead";
export type AnomalyType = CycleType | StaleReadType | "ThinAirRead" | "Divergence" | "LostWrite";

/** The steps form a cycle; CyclicHB cycles live in one process's view. */
export interface Cycle {
  type: CycleType;
  process?: Process;
  cycle: Step[];
}

/**
 * A read that missed a write it had to see: `expected` is visible to `read`
 * (`because`), yet the read returned `saw` (null: the key absent), which is
 * older than `expected` (`older`; absent when no delete can explain null).
 */
export interface StaleRead {
  type: StaleReadType;
  process?: Process;
  read: number;
  key: string;
  saw: number | null;
  expected: number;
  because: Step[];
  older?: Step[];
}

export interface ThinAirRead {
  type: "ThinAirRead";
  read: number;
  key: string;
  value: string;
  /** The write of this value, which certainly failed. */
  failedWrite?: number;
}

/** Final reads of one key, after quiescence, that disagree. */
export interface Divergence {
  type: "Divergence";
  key: string;
  reads: { read: number; value: string | null }[];
}

/** An acknowledged write that every final read of its key shows as overwritten by an older state. */
export interface LostWrite {
  type: "LostWrite";
  write: number;
  key: string;
  finalReads: { read: number; saw: number | null; older?: Step[] }[];
}

export type Anomaly = Cycle | StaleRead | ThinAirRead | Divergence | LostWrite;

/** Collects anomalies, building witnesses only up to a limit per type while counting them all. */
export class AnomalySink {
  readonly found: Partial<Record<AnomalyType, Anomaly[]>> = {};
  readonly counts: Partial<Record<AnomalyType, number>> = {};

  constructor(private readonly limit: number) {}

  report(type: AnomalyType, witness: () => Anomaly): void {
    const count = (this.counts[type] ?? 0) + 1;
    this.counts[type] = count;
    if (count <= this.limit) (this.found[type] ??= []).push(witness());
  }

  any(types: readonly AnomalyType[]): boolean {
    return types.some((type) => (this.counts[type] ?? 0) > 0);
  }
}
