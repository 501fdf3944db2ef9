import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { joinVector } from "./clocks.ts";
import { link, reportStale, staleAgainst, withObservations, type Observations, type ReadLogs } from "./session-views.ts";

/**
 * Writes follow reads: once a process has read a write w2 of another process
 * q, its reads of x (then or later) see nothing older than what q's reads of
 * x before w2 saw.
 */
export function checkWritesFollowReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  const { readStart } = co.analysis;
  const joined = new Int32Array(co.width);
  for (let chain = 0; chain < co.width; chain++)
    withObservations(co, chain, (u, seen) => {
      for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
        if (!staleAgainstReadsBeforeObserved(co, logs, u, slot, seen, joined)) continue;
        const key = co.analysis.readKey[slot]!;
        const writers = observedWriters(chain, seen).filter((w) => logs.lastBelow(w, key, seen.upTo[w]!) >= 0);
        const entryOf = (writer: number) => logs.lastBelow(writer, key, seen.upTo[writer]!);
        const writer = writers.find((w) => logs.staleAgainstEntry(u, slot, entryOf(w))) ?? writers[0]!;
        const { read: r1, source: w1 } = logs.witness(entryOf(writer), co.analysis.readSource[slot]!);
        const w2 = co.analysis.at(writer, seen.upTo[writer]!);
        const r2 = seen.by[writer]!;
        reportStale(co, sink, "WritesFollowReads", u, slot, w1, [
          ...link("wr", w1, r1),
          ...link("po", r1, w2),
          ...link("wr", w2, r2),
          ...link("po", r2, u),
        ]);
      }
    });
}

/** The other processes some of whose writes the process has observed. */
function observedWriters(chain: number, seen: Observations): number[] {
  const writers: number[] = [];
  for (let writer = 0; writer < seen.upTo.length; writer++) if (writer !== chain && seen.upTo[writer]! >= 0) writers.push(writer);
  return writers;
}

/**
 * Whether the read is stale against the reads of its key that other
 * processes made before their latest observed writes, joined (false when
 * there are none). `joined` is scratch space.
 */
function staleAgainstReadsBeforeObserved(co: Clocks, logs: ReadLogs, u: number, slot: number, seen: Observations, joined: Int32Array): boolean {
  const { chainOf, readKey, readSource } = co.analysis;
  const key = readKey[slot]!;
  const nullRead = readSource[slot]! < 0;
  let any = false;
  joined.fill(0);
  for (let g = logs.firstGroup(key), end = logs.endGroup(key); g < end; g++) {
    const writer = logs.chainOfGroup(g);
    if (writer === chainOf[u] || seen.upTo[writer]! < 0) continue;
    const e = logs.lastInGroupBelow(g, seen.upTo[writer]!);
    if (e < 0) continue;
    any = true;
    if (nullRead) joinVector(joined, logs.joinAt(e));
    else if (logs.staleAgainstEntry(u, slot, e)) return true;
  }
  return any && nullRead && staleAgainst(co, u, slot, joined);
}
