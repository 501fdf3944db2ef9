import type { History, Process } from "../history.ts";
import type { AnomalySink } from "./anomalies.ts";

/** Per key, per process, the last final read (after the quiesce marker) that completed ok. */
function lastFinalReads(history: History): Map<string, Map<Process, { read: number; value: string | null }>> {
  const last = new Map<string, Map<Process, { read: number; value: string | null }>>();
  for (const operation of history.operations) {
    if (!operation.final || operation.status !== "ok") continue;
    for (const { key, value } of operation.reads) {
      let byProcess = last.get(key);
      if (byProcess === undefined) last.set(key, (byProcess = new Map()));
      byProcess.set(operation.process, { read: operation.index, value });
    }
  }
  return last;
}

/** Convergence: once the system is quiescent, every process's last read of a key returns the same value. */
export function checkConvergence(history: History, sink: AnomalySink): void {
  for (const [key, byProcess] of lastFinalReads(history)) {
    const [first, ...others] = byProcess.values();
    const differing = others.find((other) => other.value !== first!.value);
    if (differing !== undefined) sink.report("Divergence", () => ({ type: "Divergence", key, reads: [first!, differing] }));
  }
}
