import type { Analysis } from "./analysis.ts";
import { causalClocks, type Clocks } from "./clocks.ts";
import { Graph, LinkList } from "./graph.ts";

/** po ∪ wr, and the causal order it generates when acyclic. */
export interface CausalStructure {
  graph: Graph;
  /** Topological order of po ∪ wr; undefined when causal order is cyclic. */
  order?: Int32Array;
  co?: Clocks;
}

export function readFromLinks(analysis: Analysis): LinkList {
  const { readStart, readSource } = analysis;
  const links = new LinkList("wr", readSource.length);
  for (let u = 0; u < analysis.size; u++)
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) if (readSource[slot]! >= 0) links.push(readSource[slot]!, u, -1);
  return links;
}

export function causalStructure(analysis: Analysis): CausalStructure {
  const graph = new Graph(analysis, [readFromLinks(analysis)]);
  const order = graph.topologicalOrder();
  if (order === undefined) return { graph };
  return { graph, order, co: causalClocks(analysis, order) };
}
