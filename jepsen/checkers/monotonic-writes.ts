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
  const { readStart, readKey, readSource } = analysis;
  const required = new Int32Array(analysis.width);
  for (let chain = 0; chain < analysis.width; chain++)
    withObservations(co, chain, (u, seen) => {
      for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
        const key = readKey[slot]!;
        const source = readSource[slot]!;
        const count = analysis.lastWritesBelowInto(key, seen.upTo, required);
        const expected = source >= 0 ? co.firstAfter(source, required, count) : nullReadRuledOut(co, u, key, Array.from(required.subarray(0, count)))?.[0];
        if (expected === undefined) continue;
        const writer = analysis.chainOf[expected]!;
        const w2 = analysis.at(writer, seen.upTo[writer]!);
        const r1 = seen.by[writer]!;
        reportStale(co, sink, "MonotonicWrites", u, slot, expected, [
          ...link("po", expected, w2),
          ...link("wr", w2, r1),
          ...link("po", r1, u),
        ]);
      }
    });
}

