import type { Analysis } from "./analysis.ts";
import type { StaleRead, StaleReadType } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import type { Link } from "./graph.ts";
import { explainCausal, shortestPath, toSteps, type Step, type Successors } from "./paths.ts";

export interface StaleDraft {
  type: StaleReadType;
  read: number;
  key: string;
  /** Op id read from, or -1 for null. */
  saw: number;
  expected: number;
  because: Link[];
  perProcess?: boolean;
}

/** A stale read witness; `older` (saw before expected) is explained through causal order. */
export function staleRead(co: Clocks, draft: StaleDraft): StaleRead {
  const { analysis } = co;
  const witness: StaleRead = {
    type: draft.type,
    read: analysis.index(draft.read),
    key: draft.key,
    saw: draft.saw < 0 ? null : analysis.index(draft.saw),
    expected: analysis.index(draft.expected),
    because: toSteps(analysis, draft.because),
  };
  if (draft.perProcess) witness.process = analysis.process(draft.read);
  if (draft.saw >= 0) witness.older = toSteps(analysis, explainCausal(co, draft.saw, draft.expected));
  return witness;
}

/**
 * A short cycle inside a strongly connected component: tries a few starting
 * ops and keeps the cycle with the fewest steps.
 */
export function shortCycle(analysis: Analysis, component: readonly number[], successors: Successors): Link[] {
  const members = new Set(component);
  let best: Link[] | undefined;
  for (const start of component.slice(0, 16)) {
    const cycle = shortestPath(start, start, successors, (u) => members.has(u));
    if (cycle !== undefined && (best === undefined || stepCount(analysis, cycle) < stepCount(analysis, best))) best = cycle;
  }
  return best!;
}

function stepCount(analysis: Analysis, links: Link[]): number {
  return toSteps(analysis, links).length;
}

/** Rotates a cycle so it starts at its earliest op, for stable output. */
export function rotateToEarliest(cycle: Step[]): Step[] {
  let first = 0;
  cycle.forEach((step, i) => {
    if (step.from < cycle[first]!.from) first = i;
  });
  return [...cycle.slice(first), ...cycle.slice(0, first)];
}
