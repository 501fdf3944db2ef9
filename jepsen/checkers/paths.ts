import type { Analysis } from "./analysis.ts";
import type { Clocks } from "./clocks.ts";
import type { Link, Relation } from "./graph.ts";

/**
 * One ordering fact of a witness, between history indexes: `from` comes before `to`.
 * po: same process; wr: `to` read `key` from `from`; cf and hb: the read `read`
 * read `key` from `to` after `from` was ordered before it (`because` says how).
 */
export interface Step {
  rel: Relation;
  from: number;
  to: number;
  key?: string;
  read?: number;
  because?: Step[];
}

/** Public steps from links, merging runs of program order into one step. */
export function toSteps(analysis: Analysis, links: readonly Link[], because?: (link: Link) => Step[] | undefined): Step[] {
  const steps: Step[] = [];
  for (const link of links) {
    const last = steps[steps.length - 1];
    if (link.rel === "po" && last?.rel === "po") {
      last.to = analysis.index(link.to);
      continue;
    }
    const step: Step = { rel: link.rel, from: analysis.index(link.from), to: analysis.index(link.to) };
    const key = linkKey(analysis, link);
    if (key !== undefined) step.key = key;
    if (link.via >= 0) step.read = analysis.index(link.via);
    const reason = because?.(link);
    if (reason !== undefined) step.because = reason;
    steps.push(step);
  }
  return steps;
}

function linkKey(analysis: Analysis, link: Link): string | undefined {
  if (link.rel === "po") return undefined;
  const reader = link.rel === "wr" ? link.to : link.via;
  const writer = link.rel === "wr" ? link.from : link.to;
  return analysis.sourcedReads(reader).find((read) => read.source === writer)?.key;
}

/**
 * Why x is causally before y, as a chain of po and wr links: jump to the
 * earliest op of y's process that has seen x, then to the read source that
 * brought x into view, and repeat.
 */
export function explainCausal(co: Clocks, x: number, y: number): Link[] {
  const { analysis } = co;
  const { chainOf, posOf } = analysis;
  const links: Link[] = [];
  let current = y;
  while (chainOf[current] !== chainOf[x]) {
    const chain = chainOf[current]!;
    const first = analysis.at(chain, earliestSeeing(co, x, chain, posOf[current]!));
    if (first !== current) links.push({ rel: "po", from: first, to: current, via: -1 });
    const source = analysis.sourcedReads(first).find((read) => read.source >= 0 && co.seen(x, read.source))!.source;
    links.push({ rel: "wr", from: source, to: first, via: -1 });
    current = source;
  }
  if (current !== x) links.push({ rel: "po", from: x, to: current, via: -1 });
  return links.reverse();
}

/** The lowest position in `chain`, up to `upTo`, whose op has seen x (vectors grow along a chain). */
function earliestSeeing(co: Clocks, x: number, chain: number, upTo: number): number {
  let lo = 0;
  let hi = upTo;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (co.seen(x, co.analysis.at(chain, mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export type Successors = (u: number, visit: (link: Link) => void) => void;

/**
 * A path of at least one link from start to goal through allowed ops, with as
 * few non-po links as possible (0-1 breadth-first search: po links are free).
 */
export function shortestPath(
  start: number,
  goal: number,
  successors: Successors,
  allowed: (u: number) => boolean,
): Link[] | undefined {
  const reachedBy = new Map<number, Link>();
  const expand = (u: number, sameLevel: number[], nextLevel: number[]): boolean => {
    let found = false;
    successors(u, (link) => {
      if (found || reachedBy.has(link.to) || !allowed(link.to)) return;
      if (link.to === start && start !== goal) return;
      reachedBy.set(link.to, link);
      if (link.to === goal) found = true;
      else (link.rel === "po" ? sameLevel : nextLevel).push(link.to);
    });
    return found;
  };
  let level = [start];
  while (level.length > 0) {
    const next: number[] = [];
    for (let i = 0; i < level.length; i++)
      if (expand(level[i]!, level, next)) return unwind(reachedBy, start, goal);
    level = next;
  }
  return undefined;
}

function unwind(reachedBy: Map<number, Link>, start: number, goal: number): Link[] {
  const links: Link[] = [];
  let current = goal;
  do {
    const link = reachedBy.get(current)!;
    links.push(link);
    current = link.from;
  } while (current !== start);
  return links.reverse();
}
