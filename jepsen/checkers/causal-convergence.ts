import type { AnomalySink, AnomalyType } from "./anomalies.ts";
import { readFromLinks } from "./causal-order.ts";
import type { Clocks } from "./clocks.ts";
import { Graph, LinkList, type Link } from "./graph.ts";
import { explainCausal, toSteps } from "./paths.ts";
import { rotateToEarliest, shortCycle } from "./witnesses.ts";

/** The pattern causal convergence (CCv) adds to CC, Bouajjani et al. 2017, Section 4. */
export const CCV_PATTERNS: readonly AnomalyType[] = ["CyclicCF"];

/**
 * Conflict order: w1 cf w2 when both write x and a read of x from w2 has w1
 * in its causal past. Only the last such w1 per process is linked (earlier
 * ones reach it by program order), and only when not already causally before w2.
 * Expects an acyclic causal order (run after CC found nothing).
 */
export function checkCausalConvergence(co: Clocks, sink: AnomalySink): void {
  const { analysis } = co;
  const graph = new Graph(analysis, [readFromLinks(analysis), conflictLinks(co)]);
  if (graph.topologicalOrder() !== undefined) return;
  const successors = (u: number, visit: (link: Link) => void): void => graph.forEachSuccessor(u, visit);
  const because = (link: Link) => (link.rel === "cf" ? toSteps(analysis, explainCausal(co, link.from, link.via)) : undefined);
  for (const component of graph.cyclicComponents())
    sink.report("CyclicCF", () => ({
      type: "CyclicCF",
      cycle: rotateToEarliest(toSteps(analysis, shortCycle(analysis, component, successors), because)),
    }));
}

function conflictLinks(co: Clocks): LinkList {
  const { analysis } = co;
  const links = new LinkList("cf");
  const overwriters = new Int32Array(analysis.width);
  for (let u = 0; u < analysis.size; u++)
    for (let slot = analysis.readStart[u]!; slot < analysis.readStart[u + 1]!; slot++) {
      const source = analysis.readSource[slot]!;
      if (source < 0) continue;
      const count = analysis.lastWritesBelowInto(analysis.readKey[slot]!, co.row(u), overwriters);
      for (let i = 0; i < count; i++) {
        const w = overwriters[i]!;
        if (w !== source && !co.seen(w, source)) links.push(w, source, u);
      }
    }
  return links;
}
