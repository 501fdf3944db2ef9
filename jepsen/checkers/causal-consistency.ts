import type { Analysis, Op, SourcedRead } from "./analysis.ts";
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
  for (const op of analysis.ops) for (const read of op.reads) checkRead(co, op, read, sink);
}

function checkRead(co: Clocks, op: Op, read: SourcedRead, sink: AnomalySink): void {
  const overwriters = co.analysis.lastWritesBelow(read.key, co.row(op.id));
  if (read.source < 0) {
    const latest = nullReadRuledOut(co, op.id, read.key, overwriters);
    if (latest !== undefined) sink.report("WriteCOInitRead", () => witness(co, "WriteCOInitRead", op, read, latest[0]!));
    return;
  }
  const newer = overwriters.find((w) => co.before(read.source, w));
  if (newer !== undefined) sink.report("WriteCORead", () => witness(co, "WriteCORead", op, read, newer));
}

function witness(co: Clocks, type: "WriteCOInitRead" | "WriteCORead", op: Op, read: SourcedRead, expected: number) {
  return staleRead(co, {
    type,
    read: op.id,
    key: read.key,
    saw: read.source,
    expected,
    because: explainCausal(co, expected, op.id),
  });
}
