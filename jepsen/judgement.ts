/** Judging a recorded history against everything MPS3 claims. */
import { check, type CheckResult, type ModelName } from "./check.ts";
import type { History } from "./history.ts";
import type { HistoryRecorder } from "./recorder.ts";
import { referenceMismatches } from "./reference-model.ts";

/** What MPS3 promises: causal convergence, the session guarantees, no lost or fractured writes. */
export const CLAIMED_MODELS: readonly ModelName[] = ["cc", "ccv", "ryw", "mr", "mw", "wfr", "convergence", "lost", "atomic"];

export interface Judgement {
  history: History;
  jsonl: string;
  check: CheckResult;
  /** Where a read disagreed with the single-writer reference model. */
  mismatches: string[];
}

export function judge(recorder: HistoryRecorder): Judgement {
  const history = recorder.history();
  return { history, jsonl: recorder.jsonl(), check: check(history, { models: CLAIMED_MODELS }), mismatches: referenceMismatches(history) };
}
