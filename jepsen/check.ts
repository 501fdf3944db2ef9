import type { History } from "./history.ts";
import { Analysis } from "./checkers/analysis.ts";
import { AnomalySink, type Anomaly, type AnomalyType } from "./checkers/anomalies.ts";
import { checkAtomicBatches } from "./checkers/atomic-batches.ts";
import { CC_PATTERNS, checkCausalConsistency } from "./checkers/causal-consistency.ts";
import { CCV_PATTERNS, checkCausalConvergence } from "./checkers/causal-convergence.ts";
import { CM_PATTERNS, checkCausalMemory } from "./checkers/causal-memory.ts";
import { causalStructure, type CausalStructure } from "./checkers/causal-order.ts";
import { checkConvergence } from "./checkers/convergence.ts";
import { checkLostWrites } from "./checkers/lost-writes.ts";
import { checkMonotonicReads } from "./checkers/monotonic-reads.ts";
import { checkMonotonicWrites } from "./checkers/monotonic-writes.ts";
import { checkReadYourWrites } from "./checkers/read-your-writes.ts";
import { ReadLogs } from "./checkers/session-views.ts";
import { checkWritesFollowReads } from "./checkers/writes-follow-reads.ts";

export type ModelName = "cc" | "cm" | "ccv" | "ryw" | "mr" | "mw" | "wfr" | "convergence" | "lost" | "atomic";
export type Verdict = true | false | "unknown";

export const MODELS: readonly ModelName[] = ["cc", "cm", "ccv", "ryw", "mr", "mw", "wfr", "convergence", "lost", "atomic"];
const GROUPS: Record<string, readonly ModelName[]> = { sessions: ["ryw", "mr", "mw", "wfr"], all: MODELS };

/** The anomaly types whose presence refutes each model. */
export const MODEL_PATTERNS: Record<ModelName, readonly AnomalyType[]> = {
  cc: CC_PATTERNS,
  cm: [...CC_PATTERNS, ...CM_PATTERNS],
  ccv: [...CC_PATTERNS, ...CCV_PATTERNS],
  ryw: ["ReadYourWrites"],
  mr: ["MonotonicReads"],
  mw: ["MonotonicWrites"],
  wfr: ["WritesFollowReads"],
  convergence: ["Divergence"],
  lost: ["LostWrite"],
  atomic: ["FracturedRead"],
};

export interface CheckOptions {
  models?: readonly ModelName[];
  /** Witnesses kept per anomaly type (all are counted). */
  maxWitnesses?: number;
  /** Vector joins allowed per process view when checking CM, as a multiple of the operation count. */
  cmWorkPerOperation?: number;
  /** Most vector clock entries (operations × processes) to allocate. */
  maxClockEntries?: number;
}

export interface CheckResult {
  valid: Verdict;
  models: Partial<Record<ModelName, Verdict>>;
  anomalies: Partial<Record<AnomalyType, Anomaly[]>>;
  /** Why a model could not be decided. */
  unknown: Partial<Record<ModelName, string>>;
  stats: {
    events: number;
    operations: number;
    processes: number;
    keys: number;
    anomalyCounts: Partial<Record<AnomalyType, number>>;
    /** Milliseconds per phase. */
    timings: Record<string, number>;
  };
}

/** Expands model names and groups ("sessions", "all"); throws on an unknown name. */
export function resolveModels(names: readonly string[]): ModelName[] {
  const models = new Set<ModelName>();
  for (const name of names) {
    const group = GROUPS[name] ?? (MODELS.includes(name as ModelName) ? [name as ModelName] : undefined);
    if (group === undefined) throw new Error(`unknown model ${JSON.stringify(name)} (known: ${[...MODELS, ...Object.keys(GROUPS)].join(", ")})`);
    for (const model of group) models.add(model);
  }
  return [...models];
}

export function check(history: History, options: CheckOptions = {}): CheckResult {
  return new CheckRun(history, options).run();
}

class CheckRun {
  private readonly models: readonly ModelName[];
  private readonly sink: AnomalySink;
  private readonly unknown: Partial<Record<ModelName, string>> = {};
  private readonly timings: Record<string, number> = {};
  private analysis!: Analysis;
  private structure?: CausalStructure;

  constructor(
    private readonly history: History,
    private readonly options: CheckOptions,
  ) {
    this.models = options.models ?? MODELS;
    this.sink = new AnomalySink(options.maxWitnesses ?? 20);
  }

  run(): CheckResult {
    this.analysis = this.timed("analysis", () => new Analysis(this.history));
    if (this.models.some((model) => model !== "convergence")) this.buildCausalOrder();
    if (this.wants("cc", "cm", "ccv") && this.structure !== undefined)
      this.timed("cc", () => checkCausalConsistency(this.analysis, this.structure!, this.sink));
    this.runCausalExtensions();
    this.runSessionChecks();
    this.runFinalStateChecks();
    return this.result();
  }

  private buildCausalOrder(): void {
    const entries = this.analysis.size * this.analysis.width;
    if (entries > (this.options.maxClockEntries ?? 300_000_000)) {
      this.markUnknown(MODELS.filter((m) => m !== "convergence"), `${entries} vector clock entries exceed the limit`);
      return;
    }
    this.structure = this.timed("causal order", () => causalStructure(this.analysis));
  }

  private runCausalExtensions(): void {
    const { co, graph, order } = this.structure ?? {};
    if (co === undefined || order === undefined || this.sink.any(CC_PATTERNS)) return;
    if (this.wants("cm")) {
      const workLimit = (this.options.cmWorkPerOperation ?? 50) * this.analysis.size + 100_000;
      const complete = this.timed("cm", () => checkCausalMemory({ co, graph: graph!, order, workLimit }, this.sink));
      if (!complete) this.markUnknown(["cm"], "saturating some process's happens-before exceeded the work limit");
    }
    if (this.wants("ccv")) this.timed("ccv", () => checkCausalConvergence(co, this.sink));
  }

  private runSessionChecks(): void {
    const sessionModels = (["ryw", "mr", "mw", "wfr", "atomic"] as const).filter((m) => this.wants(m));
    const co = this.structure?.co;
    if (co === undefined) {
      if (this.structure !== undefined) this.markUnknown(sessionModels, "causal order is cyclic (see cc)");
      return;
    }
    const logs = this.wants("mr", "wfr") ? this.timed("read logs", () => new ReadLogs(co)) : undefined;
    if (this.wants("ryw")) this.timed("ryw", () => checkReadYourWrites(co, this.sink));
    if (this.wants("mr")) this.timed("mr", () => checkMonotonicReads(co, logs!, this.sink));
    if (this.wants("mw")) this.timed("mw", () => checkMonotonicWrites(co, this.sink));
    if (this.wants("wfr")) this.timed("wfr", () => checkWritesFollowReads(co, logs!, this.sink));
    if (this.wants("atomic")) this.timed("atomic", () => checkAtomicBatches(co, this.sink));
  }

  private runFinalStateChecks(): void {
    const finalModels = (["convergence", "lost"] as const).filter((m) => this.wants(m));
    if (this.history.quiesce === undefined) return this.markUnknown(finalModels, "the history has no quiesce marker");
    if (this.wants("convergence")) this.timed("convergence", () => checkConvergence(this.history, this.sink));
    if (!this.wants("lost")) return;
    const co = this.structure?.co;
    if (co === undefined) {
      if (this.structure !== undefined) this.markUnknown(["lost"], "causal order is cyclic (see cc)");
      return;
    }
    this.timed("lost", () => checkLostWrites(co, this.sink));
  }

  private wants(...models: ModelName[]): boolean {
    return models.some((model) => this.models.includes(model));
  }

  private markUnknown(models: readonly ModelName[], reason: string): void {
    for (const model of models) if (this.wants(model)) this.unknown[model] ??= reason;
  }

  private timed<T>(phase: string, work: () => T): T {
    const start = performance.now();
    const result = work();
    this.timings[phase] = Math.round(performance.now() - start);
    return result;
  }

  private result(): CheckResult {
    const models: Partial<Record<ModelName, Verdict>> = {};
    for (const model of this.models)
      models[model] = this.sink.any(MODEL_PATTERNS[model]) ? false : this.unknown[model] === undefined ? true : "unknown";
    const verdicts = Object.values(models);
    return {
      valid: verdicts.includes(false) ? false : verdicts.includes("unknown") ? "unknown" : true,
      models,
      anomalies: this.sink.found,
      unknown: this.unknown,
      stats: {
        events: this.history.events.length,
        operations: this.analysis.size,
        processes: this.analysis.width,
        keys: this.analysis.writtenKeys,
        anomalyCounts: this.sink.counts,
        timings: this.timings,
      },
    };
  }
}
