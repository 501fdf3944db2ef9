import type { Op } from "./analysis.ts";
import type { AnomalySink } from "./anomalies.ts";
import { joinVector, type Clocks } from "./clocks.ts";
import { link, reportStale, staleAgainst, withObservations, type LogPrefix, type Observations, type ReadLogs } from "./session-views.ts";

/**
 * Writes follow reads: once a process has read a write w2 of another process
 * q, its reads of x (then or later) see nothing older than what q's reads of
 * x before w2 saw.
 */
export function checkWritesFollowReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  for (let chain = 0; chain < co.width; chain++)
    withObservations(co, chain, (op, seen) => {
      for (const read of op.reads) {
        const prefixes = readsBeforeObserved(co, logs, op, read.key, seen);
        if (prefixes.length === 0) continue;
        const joined = new Int32Array(co.width);
        for (const { prefix } of prefixes) joinVector(joined, prefix.join);
        if (!staleAgainst(co, op, read, joined)) continue;
        const { writer, prefix } =
          read.source < 0 ? prefixes[0]! : prefixes.find(({ prefix }) => staleAgainst(co, op, read, prefix.join))!;
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

/** For each other process whose write `op`'s process has observed, its reads of `key` before that write. */
function readsBeforeObserved(co: Clocks, logs: ReadLogs, op: Op, key: string, seen: Observations) {
  const found: { writer: number; prefix: LogPrefix }[] = [];
  for (let writer = 0; writer < co.width; writer++) {
    if (writer === op.chain || seen.upTo[writer]! < 0) continue;
    const prefix = logs.prefix(writer, key, seen.upTo[writer]!);
    if (prefix !== undefined) found.push({ writer, prefix });
  }
  return found;
}
