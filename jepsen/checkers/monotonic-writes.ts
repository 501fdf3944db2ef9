import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { nullReadRuledOut } from "./null-reads.ts";
import { link, reportStale, withObservations } from "./session-views.ts";

/**
 * Monotonic writes: once a process has read a write w2 of process q, its
 * reads of x (then or later) see nothing older than q's writes of x that
 * precede w2.
 */
export function checkMonotonicWrites(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  for (let chain = 0; chain < analysis.width; chain++)
    withObservations(co, chain, (op, seen) => {
      for (const read of op.reads) {
        const required = analysis.lastWritesBelow(read.key, seen.upTo);
        const expected =
          read.source >= 0
            ? required.find((w) => co.before(read.source, w))
            : nullReadRuledOut(co, op.id, read.key, required)?.[0];
        if (expected === undefined) continue;
        const writer = analysis.ops[expected]!;
        const w2 = analysis.at(writer.chain, seen.upTo[writer.chain]!);
        const r1 = seen.by[writer.chain]!;
        reportStale(co, sink, "MonotonicWrites", op, read, expected, [
          ...link("po", expected, w2),
          ...link("wr", w2, r1),
          ...link("po", r1, op.id),
        ]);
      }
    });
}
