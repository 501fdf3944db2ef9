import type { Analysis, Op } from "./analysis.ts";
import type { AnomalySink } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import { isDeleteOf, someDeleteExplains } from "./null-reads.ts";
import { explainCausal, toSteps } from "./paths.ts";

interface FinalRead {
  op: Op;
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
  for (const [key, finals] of finalReadsByKey(analysis)) {
    const writes = analysis.keys.get(key)?.writes ?? [];
    for (const list of writes)
      for (const w of list?.ops ?? []) {
        if (!analysis.ops[w]!.acknowledged) continue;
        if (!finals.every((final) => olderThan(co, final, key, w))) continue;
        sink.report("LostWrite", () => ({
          type: "LostWrite",
          write: analysis.ops[w]!.index,
          key,
          finalReads: finals.map((final) => lostIn(co, final, w)),
        }));
      }
  }
}

function olderThan(co: Clocks, final: FinalRead, key: string, w: number): boolean {
  if (final.source >= 0) return co.before(final.source, w);
  return !isDeleteOf(co.analysis, w, key) && !someDeleteExplains(co, final.op.id, key, co.row(w));
}

function lostIn(co: Clocks, final: FinalRead, w: number) {
  const { ops } = co.analysis;
  if (final.source < 0) return { read: final.op.index, saw: null };
  return { read: final.op.index, saw: ops[final.source]!.index, older: toSteps(co.analysis, explainCausal(co, final.source, w)) };
}

/** Last final read of each key per process, skipping keys where one of them read thin air. */
function finalReadsByKey(analysis: Analysis): Map<string, FinalRead[]> {
  const last = new Map<string, Map<number, FinalRead>>();
  for (const op of analysis.ops) {
    if (!op.final) continue;
    for (const read of op.reads) {
      let byChain = last.get(read.key);
      if (byChain === undefined) last.set(read.key, (byChain = new Map()));
      byChain.set(op.chain, { op, source: read.source });
    }
  }
  for (const thin of analysis.thinAir) if (analysis.op(thin.read)?.final) last.delete(thin.key);
  return new Map([...last].map(([key, byChain]) => [key, [...byChain.values()]]));
}
