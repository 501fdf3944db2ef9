import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { someDeleteExplains } from "./null-reads.ts";
import { link, reportStale } from "./session-views.ts";

/**
 * Read your writes: a read of x sees the process's own last write of x, or a
 * write not older than it.
 */
export function checkReadYourWrites(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  const { chainOf, posOf, readStart, readKey, readSource } = analysis;
  for (let u = 0; u < analysis.size; u++)
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
      const key = readKey[slot]!;
      const source = readSource[slot]!;
      const own = analysis.lastWriteBefore(key, chainOf[u]!, posOf[u]!);
      if (own < 0 || own === source) continue;
      const stale =
        source >= 0 ? co.before(source, own) : !analysis.isDelete(own, key) && !someDeleteExplains(co, u, key, co.row(own));
      if (stale) reportStale(co, sink, "ReadYourWrites", u, slot, own, link("po", own, u));
    }
}
