import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { isDeleteOf, someDeleteExplains } from "./null-reads.ts";
import { link, reportStale } from "./session-views.ts";

/**
 * Read your writes: a read of x sees the process's own last write of x, or a
 * write not older than it.
 */
export function checkReadYourWrites(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  for (const op of analysis.ops)
    for (const read of op.reads) {
      const own = analysis.lastWriteBefore(read.key, op.chain, op.pos);
      if (own < 0 || own === read.source) continue;
      const stale =
        read.source >= 0
          ? co.before(read.source, own)
          : !isDeleteOf(analysis, own, read.key) && !someDeleteExplains(co, op.id, read.key, co.row(own));
      if (stale) reportStale(co, sink, "ReadYourWrites", op, read, own, link("po", own, op.id));
    }
}
