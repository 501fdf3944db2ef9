/**
 * A write that fails, or whose outcome is unknown, withdraws the optimistic
 * value its own client showed while it was pending (docs/protocol.md): the
 * one thing a client shows that the causal claims do not cover. Where writes
 * may fail, a history is checked without those observations, and with
 * everything else: a failed write seen by any other client, or by its own
 * client after its failure was reported, is still an anomaly.
 */
import type { History, HistoryEvent, Process } from "./history.ts";

interface Withdrawn {
  /** Canonical JSON of the value shown, null for a delete. */
  value: string | null;
  client: string;
  /** History index of the write's invocation. */
  from: number;
  /** History index of its failure; Infinity when its outcome is unknown. */
  until: number;
}

/**
 * The events of `history` without the reads and notifications in which a
 * client (`clientOf` names the client of each process) may have seen a
 * value of its own write while the write was pending, where the write then
 * failed or ended unknown: those whose interval overlaps the write's, from
 * its invocation to its failure (to the end, when unknown).
 */
export function withoutWithdrawnObservations(history: History, clientOf: (process: Process) => string): HistoryEvent[] {
  const withdrawnByKey = new Map<string, Withdrawn[]>();
  for (const op of history.operations) {
    if (op.status === "ok" || op.f === "read" || op.f === "notify") continue;
    const until = op.status === "fail" ? op.completion! : Infinity;
    for (const { key, value } of op.writes) {
      const list = withdrawnByKey.get(key) ?? [];
      list.push({ value, client: clientOf(op.process), from: op.index, until });
      withdrawnByKey.set(key, list);
    }
  }
  const dropped = new Set<number>();
  for (const op of history.operations) {
    if ((op.f !== "read" && op.f !== "notify") || op.status !== "ok") continue;
    const client = clientOf(op.process);
    const end = op.completion ?? op.index;
    const sawWithdrawn = op.reads.some(({ key, value }) =>
      (withdrawnByKey.get(key) ?? []).some((w) => w.value === value && w.client === client && end > w.from && op.index < w.until),
    );
    if (!sawWithdrawn) continue;
    dropped.add(op.index);
    if (op.completion !== undefined) dropped.add(op.completion);
  }
  return history.events.filter((event) => !dropped.has(event.index));
}
