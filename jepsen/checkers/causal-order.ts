import type { Analysis } from "./analysis.ts";
import { causalClocks, type Clocks } from "./clocks.ts";
import { Graph, type Link } from "./graph.ts";

/** po ∪ wr, and the causal order it generates when acyclic. */
export interface CausalStructure {
  graph: Graph;
  /** Topological order of po ∪ wr; undefined when causal order is cyclic. */
  order?: Int32Array;
  co?: Clocks;
}

export function readFromLinks(analysis: Analysis): Link[] {
  const links: Link[] = [];
  for (const op of analysis.ops)
    for (const read of op.reads) if (read.source >= 0) links.push({ rel: "wr", from: read.source, to: op.id, via: -1 });
  return links;
}

export function causalStructure(analysis: Analysis): CausalStructure {
  const graph = new Graph(analysis, readFromLinks(analysis));
  const order = graph.topologicalOrder();
  if (order === undefined) return { graph };
  return { graph, order, co: causalClocks(analysis, order) };
}
