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
