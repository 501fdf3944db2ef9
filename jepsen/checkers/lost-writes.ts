import type { Analysis } from "./analysis.ts";
import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { someDeleteExplains } from "./null-reads.ts";
import { explainCausal, toSteps } from "./paths.ts";

/** A final read by op `read`, of a key read from `source` (-1: null). */
interface FinalRead {
  read: number;
  source: number;
}

/**
 * Lost writes: an acknowledged write of x is lost when every process's last
 * final read of x returned something causally older than it (or null, with no
 * delete able to explain it). A final state showing a write concurrent with it
 * may have won by arbitration, so that is never reported.
 */
export function checkLostWrites(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  const { writes } = analysis;
  for (const [key, finals] of finalReadsByKey(analysis))
    for (let g = writes.firstGroup(key); g < writes.endGroup(key); g++)
      for (let e = writes.firstEntry(g); e < writes.endEntry(g); e++) {
        const w = writes.item[e]!;
        if (analysis.operation(w).status !== "ok") continue;
        if (!finals.every((final) => olderThan(co, final, key, w))) continue;
        sink.report("LostWrite", () => ({
          type: "LostWrite",
          write: analysis.index(w),
          key: analysis.keyNames[key]!,
          finalReads: finals.map((final) => lostIn(co, final, w)),
        }));
      }
}

function olderThan(co: Clocks, final: FinalRead, key: number, w: number): boolean {
  if (final.source >= 0) return co.before(final.source, w);
  return !co.analysis.isDelete(w, key) && !someDeleteExplains(co, final.read, key, co.row(w));
}

function lostIn(co: Clocks, final: FinalRead, w: number) {
  const { analysis } = co;
  if (final.source < 0) return { read: analysis.index(final.read), saw: null };
  return {
    read: analysis.index(final.read),
    saw: analysis.index(final.source),
    older: toSteps(analysis, explainCausal(co, final.source, w)),
  };
}

/** Last final read of each key (by id) per process, skipping keys where one of them read thin air. */
function finalReadsByKey(analysis: Analysis): Map<number, FinalRead[]> {
  const { readStart, readKey, readSource } = analysis;
  const last = new Map<number, Map<number, FinalRead>>();
  for (let u = 0; u < analysis.size; u++) {
    if (!analysis.operation(u).final) continue;
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
      let byChain = last.get(readKey[slot]!);
      if (byChain === undefined) last.set(readKey[slot]!, (byChain = new Map()));
      byChain.set(analysis.chainOf[u]!, { read: u, source: readSource[slot]! });
    }
  }
  for (const thin of analysis.thinAir) {
    const read = analysis.idOf(thin.read);
    const key = analysis.keyId(thin.key);
    if (read >= 0 && analysis.operation(read).final && key !== undefined) last.delete(key);
  }
  return new Map([...last].map(([key, byChain]) => [key, [...byChain.values()]]));
}
