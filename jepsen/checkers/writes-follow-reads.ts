import type { Op } from "./analysis.ts";
import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { link, reportStale, staleAgainst, withObservations, type Observations, type ReadLogs } from "./session-views.ts";

/**
 * Writes follow reads: once a process has read a write w2 of another process
 * q, its reads of x (then or later) see nothing older than what q's reads of
 * x before w2 saw.
 */
export function checkWritesFollowReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  const joined = new Int32Array(co.width);
  for (let chain = 0; chain < co.width; chain++)
    withObservations(co, chain, (op, seen) => {
      for (const read of op.reads) {
        joined.fill(0);
        if (!joinReadsBeforeObserved(logs, op, read.key, seen, joined) || !staleAgainst(co, op, read, joined)) continue;
        const writers = observedWriters(op, seen).filter((w) => logs.prefix(w, read.key, seen.upTo[w]!) !== undefined);
        const prefixOf = (writer: number) => logs.prefix(writer, read.key, seen.upTo[writer]!)!;
        const writer = writers.find((w) => staleAgainst(co, op, read, prefixOf(w).join)) ?? writers[0]!;
        const prefix = prefixOf(writer);
        const { read: r1, source: w1 } = logs.witness(writer, read.key, prefix, read.source);
        const w2 = co.analysis.at(writer, seen.upTo[writer]!);
        const r2 = seen.by[writer]!;
        reportStale(co, sink, "WritesFollowReads", op, read, w1, [
          ...link("wr", w1, r1),
          ...link("po", r1, w2),
          ...link("wr", w2, r2),
          ...link("po", r2, op.id),
        ]);
      }
    });
}

/** The other processes some of whose writes op's process has observed. */
function observedWriters(op: Op, seen: Observations): number[] {
  const writers: number[] = [];
  for (let writer = 0; writer < seen.upTo.length; writer++) if (writer !== op.chain && seen.upTo[writer]! >= 0) writers.push(writer);
  return writers;
}

/** Joins, over those processes, their reads of `key` before the latest observed write; false when there are none. */
function joinReadsBeforeObserved(logs: ReadLogs, op: Op, key: string, seen: Observations, joined: Int32Array): boolean {
  let any = false;
  for (let writer = 0; writer < seen.upTo.length; writer++)
    if (writer !== op.chain && seen.upTo[writer]! >= 0 && logs.joinBelow(writer, key, seen.upTo[writer]!, joined)) any = true;
  return any;
}
