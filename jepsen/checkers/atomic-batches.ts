import type { Op } from "./analysis.ts";
import type { AnomalySink } from "./anomalies.ts";
import { joinVector, type Clocks } from "./clocks.ts";
import { link, reportStale, staleAgainst } from "./session-views.ts";

/** Batches a process has read some key from, as seen from another key the batch wrote. */
interface BatchesSeen {
  join: Int32Array;
  seen: { batch: number; read: number }[];
  deletes: boolean;
}

/**
 * Atomic batches: once a process has read key a from batch B, its reads of
 * another key b of B (at the same time or later) see nothing older than B.
 */
export function checkAtomicBatches(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  for (const chain of analysis.chains) {
    const seenFor = new Map<string, BatchesSeen>();
    for (const id of chain) {
      const op = analysis.ops[id]!;
      recordBatches(co, op, seenFor);
      checkReads(co, op, seenFor, sink);
    }
  }
}

function recordBatches(co: Clocks, op: Op, seenFor: Map<string, BatchesSeen>): void {
  for (const read of op.reads) {
    const batch = co.analysis.ops[read.source];
    if (batch === undefined || batch.writes.length < 2) continue;
    for (const { key, value } of batch.writes) {
      if (key === read.key) continue;
      let entry = seenFor.get(key);
      if (entry === undefined) seenFor.set(key, (entry = { join: new Int32Array(co.width), seen: [], deletes: false }));
      joinVector(entry.join, co.strictPast(batch.id));
      entry.seen.push({ batch: batch.id, read: op.id });
      entry.deletes ||= value === null;
    }
  }
}

function checkReads(co: Clocks, op: Op, seenFor: Map<string, BatchesSeen>, sink: AnomalySink): void {
  for (const read of op.reads) {
    const entry = seenFor.get(read.key);
    if (entry === undefined || (read.source < 0 && entry.deletes)) continue;
    if (!staleAgainst(co, op, read, entry.join)) continue;
    const { batch, read: r1 } =
      read.source < 0 ? entry.seen[entry.seen.length - 1]! : entry.seen.find((s) => co.before(read.source, s.batch))!;
    reportStale(co, sink, "FracturedRead", op, read, batch, [...link("wr", batch, r1), ...link("po", r1, op.id)]);
  }
}
