/**
 * The protocol paths the simulation is built to reach under faults, each
 * known by the marks its clients log (a path line, or the machine transition
 * that takes it). The soak reports how many schedules reach each; the
 * simulation tests assert a floor.
 */
import { reachesAny, transitionMark } from "./coverage.ts";

export interface CoverageTarget {
  name: string;
  marks: readonly string[];
}

export const COVERAGE_TARGETS: readonly CoverageTarget[] = [
  { name: "checkpoint written", marks: ["path: checkpoint written"] },
  { name: "autoclean deleting", marks: ["path: autoclean deleted"] },
  { name: "warm listing falls back to a checkpoint", marks: ["path: checkpoint loaded warm"] },
  {
    name: "late look-up of an ambiguous log PUT",
    marks: ["path: late look-up of an ambiguous log PUT", transitionMark("entry", "settling", "settled", "lookingUp")],
  },
];

/** Whether one schedule (given by its marks' hits) reached each target, in COVERAGE_TARGETS' order. */
export function reachedTargets(hits: ReadonlyMap<string, number>): boolean[] {
  return COVERAGE_TARGETS.map((target) => reachesAny(hits, target.marks));
}

/** Per target, the share of the schedules (each given by its marks' hits) that reached it. */
export function targetReach(schedules: readonly ReadonlyMap<string, number>[]): Array<{ target: CoverageTarget; share: number }> {
  const reached = schedules.map(reachedTargets);
  return COVERAGE_TARGETS.map((target, i) => ({
    target,
    share: schedules.length === 0 ? 0 : reached.filter((targets) => targets[i]).length / schedules.length,
  }));
}
