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

/** Per target, the share of the schedules (each given by its marks' hits) that reached it. */
export function targetReach(schedules: readonly ReadonlyMap<string, number>[]): Array<{ target: CoverageTarget; share: number }> {
  return COVERAGE_TARGETS.map((target) => ({
    target,
    share: schedules.length === 0 ? 0 : schedules.filter((hits) => reachesAny(hits, target.marks)).length / schedules.length,
  }));
}
