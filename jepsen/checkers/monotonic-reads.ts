import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { link, reportStale, staleAgainst, type ReadLogs } from "./session-views.ts";

/**
 * Monotonic reads: a read of x by a process sees nothing older than what the
 * process's earlier reads of x saw.
 */
export function checkMonotonicReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  for (const op of co.analysis.ops)
    for (const read of op.reads) {
      const earlier = logs.prefix(op.chain, read.key, op.pos);
      if (earlier === undefined) continue;
      if (!staleAgainst(co, op, read, earlier.join)) continue;
      const { read: r1, source: w1 } = logs.witness(op.chain, read.key, earlier, read.source);
      reportStale(co, sink, "MonotonicReads", op, read, w1, [...link("wr", w1, r1), ...link("po", r1, op.id)]);
    }
}
