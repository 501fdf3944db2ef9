export {
  canonicalJson,
  formatHistory,
  historyFromEvents,
  HistoryError,
  parseHistory,
  type EventType,
  type History,
  type HistoryEvent,
  type Json,
  type KeyValue,
  type Operation,
  type OperationKind,
  type Process,
} from "./history.ts";
export {
  check,
  MODELS,
  MODEL_PATTERNS,
  resolveModels,
  type CheckOptions,
  type CheckResult,
  type ModelName,
  type Verdict,
} from "./check.ts";
export type {
  Anomaly,
  AnomalyType,
  Cycle,
  Divergence,
  LostWrite,
  StaleRead,
  ThinAirRead,
} from "./checkers/anomalies.ts";
export type { Step } from "./checkers/paths.ts";
export { renderResult } from "./render.ts";
export { HistoryRecorder, RecordedProcess, type NemesisNote, type Pair, type RecordableClient } from "./recorder.ts";
export { runLiveWorkload, type LiveWorkloadOptions } from "./live-workload.ts";
export { judge, CLAIMED_MODELS, type Judgement } from "./judgement.ts";
export { runJepsen, type RunOutcome } from "./run/run-jepsen.ts";
export {
  DEFAULT_FAULT_RATES,
  DEFAULT_WEIGHTS,
  type NemesisFault,
  type NemesisSchedule,
  type OperationWeights,
  type RunOptions,
  type RunProgress,
  type RunTarget,
  type Workload,
} from "./run/run-options.ts";
