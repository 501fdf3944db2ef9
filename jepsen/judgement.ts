/** Judging a recorded history against everything MPS3 claims. */
import { check, type CheckResult, type ModelName } from "./check.ts";
import { historyFromEvents, type History, type Process } from "./history.ts";
import type { HistoryRecorder } from "./recorder.ts";
import { referenceMismatches } from "./reference-model.ts";
import { withoutWithdrawnObservations } from "./withdrawn-observations.ts";

/** What MPS3 promises: causal convergence, the session guarantees, no lost or fractured writes. */
export const CLAIMED_MODELS: readonly ModelName[] = ["cc", "ccv", "ryw", "mr", "mw", "wfr", "convergence", "lost", "atomic"];

export interface Judgement {
  /** The history as recorded. */
  history: History;
  jsonl: string;
  /** The verdict on the history checked (without withdrawn observations, where writes may fail). */
  check: CheckResult;
  /** Where a read disagreed with the single-writer reference model. */
  mismatches: string[];
  /** Reads and notifications left out as observations of withdrawn values (jepsen/withdrawn-observations.ts). */
  withdrawn: number;
}

/**
 * Judges what `recorder` holds. With `clientOf` (writes may fail), each
 * client's observations of the values its failed writes withdrew are left out
 * first; everything else is checked.
 */
export function judge(recorder: HistoryRecorder, clientOf?: (process: Process) => string): Judgement {
  const history = recorder.history();
  const checked = clientOf ? historyFromEvents(withoutWithdrawnObservations(history, clientOf)) : history;
  return {
    history,
    jsonl: recorder.jsonl(),
    check: check(checked, { models: CLAIMED_MODELS }),
    mismatches: referenceMismatches(checked),
    withdrawn: history.operations.length - checked.operations.length,
  };
}
