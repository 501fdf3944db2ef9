import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
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
  for (const chain of co.analysis.chains) {
    const seenFor = new Map<number, BatchesSeen>();
    for (const u of chain) {
      recordBatches(co, u, seenFor);
      checkReads(co, u, seenFor, sink);
    }
  }
}

function recordBatches(co: Clocks, u: number, seenFor: Map<number, BatchesSeen>): void {
  const { readStart, readKey, readSource, writeStart, writeKey, writeDeletes } = co.analysis;
  for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
    const batch = readSource[slot]!;
    if (batch < 0 || writeStart[batch + 1]! - writeStart[batch]! < 2) continue;
    for (let write = writeStart[batch]!; write < writeStart[batch + 1]!; write++) {
      const key = writeKey[write]!;
      if (key === readKey[slot]) continue;
      let entry = seenFor.get(key);
      if (entry === undefined) seenFor.set(key, (entry = { join: new Int32Array(co.width), seen: [], deletes: false }));
      co.joinStrictPastInto(entry.join, batch);
      entry.seen.push({ batch, read: u });
      entry.deletes ||= writeDeletes[write] === 1;
    }
  }
}

function checkReads(co: Clocks, u: number, seenFor: Map<number, BatchesSeen>, sink: AnomalySink): void {
  const { readStart, readKey, readSource } = co.analysis;
  for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
    const source = readSource[slot]!;
    const entry = seenFor.get(readKey[slot]!);
    if (entry === undefined || (source < 0 && entry.deletes)) continue;
    if (!staleAgainst(co, u, slot, entry.join)) continue;
    const { batch, read: r1 } = source < 0 ? entry.seen[entry.seen.length - 1]! : entry.seen.find((s) => co.before(source, s.batch))!;
    reportStale(co, sink, "FracturedRead", u, slot, batch, [...link("wr", batch, r1), ...link("po", r1, u)]);
  }
}
