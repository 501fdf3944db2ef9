/**
 * The simplest correct store, where a comparison with it is exact: a map
 * per key that one process alone writes. That process's reads must return
 * its own latest completed write (or absence before any), and so must every
 * final read, by anyone. Keys with several writers are left to the checkers.
 */
import type { History, Operation, Process } from "./history.ts";

type Expectation = { value: string | null } | "unknown";

export function referenceMismatches(history: History): string[] {
  const writers = new Map<string, Set<Process>>();
  for (const op of history.operations) {
    for (const { key } of op.writes) {
      const set = writers.get(key) ?? new Set<Process>();
      set.add(op.process);
      writers.set(key, set);
    }
  }
  const soleWriter = (key: string): Process | undefined => {
    const set = writers.get(key);
    return set?.size === 1 ? [...set][0] : undefined;
  };
  const expected = new Map<string, Expectation>();
  const mismatches: string[] = [];
  const compare = (op: Operation, what: string) => {
    for (const { key, value } of op.reads) {
      const expectation = expected.get(key) ?? { value: null };
      if (expectation === "unknown" || expectation.value === value) continue;
      mismatches.push(`${what} ${op.index} by ${op.process} read ${key} = ${value}, expected ${expectation.value}`);
    }
  };
  for (const op of history.operations) {
    if (op.f === "read" || op.f === "notify") {
      if (op.status !== "ok") continue;
      if (op.final) compare({ ...op, reads: op.reads.filter(({ key }) => soleWriter(key) !== undefined) }, "final read");
      else compare({ ...op, reads: op.reads.filter(({ key }) => soleWriter(key) === op.process && op.f === "read") }, "read");
      continue;
    }
    for (const { key, value } of op.writes) {
      if (soleWriter(key) === undefined || op.status === "fail") continue;
      expected.set(key, op.status === "ok" ? { value } : "unknown");
    }
  }
  return mismatches;
}
