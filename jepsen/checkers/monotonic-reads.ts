import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { link, reportStale, type ReadLogs } from "./session-views.ts";

/**
 * Monotonic reads: a read of x by a process sees nothing older than what the
 * process's earlier reads of x saw.
 */
export function checkMonotonicReads(co: Clocks, logs: ReadLogs, sink: AnomalySink): void {
  const { chainOf, posOf, readStart, readKey, readSource } = co.analysis;
  for (let u = 0; u < co.analysis.size; u++)
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
      const earlier = logs.lastBelow(chainOf[u]!, readKey[slot]!, posOf[u]!);
      if (earlier < 0 || !logs.staleAgainstEntry(u, slot, earlier)) continue;
      const { read: r1, source: w1 } = logs.witness(earlier, readSource[slot]!);
      reportStale(co, sink, "MonotonicReads", u, slot, w1, [...link("wr", w1, r1), ...link("po", r1, u)]);
    }
}
