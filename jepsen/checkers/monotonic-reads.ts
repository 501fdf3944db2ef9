import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { link, reportStale, staleAgainst, type ReadLogs } from "./session-views.ts";

/**
 * Monotonic reads: a read of x by a process sees nothing older than what the
 * process's earlier reads of x saw.
 */
export function checkMonotonicReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  const earlierJoin = new Int32Array(co.width);
  for (const op of co.analysis.ops)
    for (const read of op.reads) {
      earlierJoin.fill(0);
      if (!logs.joinBelow(op.chain, read.key, op.pos, earlierJoin) || !staleAgainst(co, op, read, earlierJoin)) continue;
      const earlier = logs.prefix(op.chain, read.key, op.pos)!;
      const { read: r1, source: w1 } = logs.witness(op.chain, read.key, earlier, read.source);
      reportStale(co, sink, "MonotonicReads", op, read, w1, [...link("wr", w1, r1), ...link("po", r1, op.id)]);
    }
}
