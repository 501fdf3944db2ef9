import type { AnomalySink, AnomalyType } from "./anomalies.ts";
import { readFromLinks } from "./causal-order.ts";
import type { Clocks } from "./clocks.ts";
import { Graph, type Link } from "./graph.ts";
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
  const graph = new Graph(analysis, [...readFromLinks(analysis), ...conflictLinks(co)]);
  if (graph.topologicalOrder() !== undefined) return;
  const successors = (u: number, visit: (link: Link) => void): void => graph.forEachSuccessor(u, visit);
  const because = (link: Link) => (link.rel === "cf" ? toSteps(analysis, explainCausal(co, link.from, link.via)) : undefined);
  for (const component of graph.cyclicComponents())
    sink.report("CyclicCF", () => ({
      type: "CyclicCF",
      cycle: rotateToEarliest(toSteps(analysis, shortCycle(analysis, component, successors), because)),
    }));
}

function conflictLinks(co: Clocks): Link[] {
  const links: Link[] = [];
  for (const op of co.analysis.ops)
    for (const read of op.reads) {
      if (read.source < 0) continue;
      for (const w of co.analysis.lastWritesBelow(read.key, co.row(op.id)))
        if (w !== read.source && !co.seen(w, read.source)) links.push({ rel: "cf", from: w, to: read.source, via: op.id });
    }
  return links;
}
