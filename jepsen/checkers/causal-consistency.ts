import type { Analysis } from "./analysis.ts";
import type { AnomalySink, AnomalyType } from "./anomalies.ts";
import type { CausalStructure } from "./causal-order.ts";
import type { Clocks } from "./clocks.ts";
import { nullReadRuledOut } from "./null-reads.ts";
import { explainCausal, toSteps } from "./paths.ts";
import { rotateToEarliest, shortCycle, staleRead } from "./witnesses.ts";

/** The bad patterns of causal consistency (CC), Bouajjani et al. 2017, Section 4. */
export const CC_PATTERNS: readonly AnomalyType[] = ["CyclicCO", "ThinAirRead", "WriteCOInitRead", "WriteCORead"];

/**
 * Per read of x, only the last write of x in each process that is causally
 * before the read matters: any earlier one is causally before it too.
 */
export function checkCausalConsistency(analysis: Analysis, structure: CausalStructure, sink: AnomalySink): void {
  for (const thin of analysis.thinAir) sink.report("ThinAirRead", () => ({ type: "ThinAirRead", ...thin }));
  const { co, graph } = structure;
  if (co === undefined) {
    for (const component of graph.cyclicComponents())
      sink.report("CyclicCO", () => ({
        type: "CyclicCO",
        cycle: rotateToEarliest(toSteps(analysis, shortCycle(analysis, component, (u, visit) => graph.forEachSuccessor(u, visit)))),
      }));
    return;
  }
  const overwriters = new Int32Array(analysis.width);
  for (let u = 0; u < analysis.size; u++)
    for (let slot = analysis.readStart[u]!; slot < analysis.readStart[u + 1]!; slot++) checkRead(co, u, slot, overwriters, sink);
}

/** `overwriters` is scratch space, one entry per process. */
function checkRead(co: Clocks, u: number, slot: number, overwriters: Int32Array, sink: AnomalySink): void {
  const { analysis } = co;
  const key = analysis.readKey[slot]!;
  const source = analysis.readSource[slot]!;
  const count = analysis.lastWritesBelowInto(key, co.row(u), overwriters);
  if (source < 0) {
    const latest = nullReadRuledOut(co, u, key, Array.from(overwriters.subarray(0, count)));
    if (latest !== undefined) sink.report("WriteCOInitRead", () => witness(co, "WriteCOInitRead", u, slot, latest[0]!));
    return;
  }
  const newer = co.firstAfter(source, overwriters, count);
  if (newer !== undefined) sink.report("WriteCORead", () => witness(co, "WriteCORead", u, slot, newer));
}

function witness(co: Clocks, type: "WriteCOInitRead" | "WriteCORead", u: number, slot: number, expected: number) {
  const { analysis } = co;
  return staleRead(co, {
    type,
    read: u,
    key: analysis.keyNames[analysis.readKey[slot]!]!,
    saw: analysis.readSource[slot]!,
    expected,
    because: explainCausal(co, expected, u),
  });
}
