import { MODEL_PATTERNS, type CheckResult, type ModelName } from "./check.ts";
import type { Anomaly, AnomalyType, Cycle, Divergence, LostWrite, StaleRead, ThinAirRead } from "./checkers/anomalies.ts";
import type { Step } from "./checkers/paths.ts";
import type { History, KeyValue, Operation } from "./history.ts";

export const MODEL_NAMES: Record<ModelName, string> = {
  cc: "causal consistency",
  cm: "causal memory",
  ccv: "causal convergence",
  ryw: "read your writes",
  mr: "monotonic reads",
  mw: "monotonic writes",
  wfr: "writes follow reads",
  convergence: "convergence",
  lost: "no lost writes",
  atomic: "atomic batches",
};

export const ANOMALY_TITLES: Record<AnomalyType, string> = {
  CyclicCO: "causal order (po ∪ wr)+ is cyclic",
  ThinAirRead: "a read returns a value no write wrote",
  WriteCOInitRead: "a read returns null though a write of the key is causally before it",
  WriteCORead: "a read returns a value overwritten in its causal past",
  CyclicHB: "a process's happens-before is cyclic",
  WriteHBInitRead: "a read returns null though a write of the key happens before it in its process's view",
  CyclicCF: "causal order with conflict order is cyclic",
  ReadYourWrites: "a read misses the process's own earlier write",
  MonotonicReads: "a read goes back before what the process read earlier",
  MonotonicWrites: "a read misses a write that precedes, in its process, a write already observed",
  WritesFollowReads: "a read misses a write that the writer of an observed write had read",
  FracturedRead: "a process sees part of an atomic batch but an older value for another of its keys",
  Divergence: "final reads disagree after quiescence",
  LostWrite: "an acknowledged write is missing from every final state",
};

export function renderResult(result: CheckResult, history: History, witnessesPerType = 3): string {
  const lines = [...summaryTable(result), ""];
  const describe = new OperationDescriber(history);
  for (const [type, anomalies] of Object.entries(result.anomalies) as [AnomalyType, Anomaly[]][]) {
    const total = result.stats.anomalyCounts[type] ?? anomalies.length;
    lines.push(`${type} (${total}): ${ANOMALY_TITLES[type]}`);
    for (const anomaly of anomalies.slice(0, witnessesPerType)) lines.push(...indent(renderAnomaly(anomaly, describe)), "");
    if (total > witnessesPerType) lines.push(`  ... and ${total - witnessesPerType} more`, "");
  }
  lines.push(verdictLine(result));
  return lines.join("\n") + "\n";
}

function summaryTable(result: CheckResult): string[] {
  const rows = (Object.entries(result.models) as [ModelName, CheckResult["valid"]][]).map(([model, verdict]) => {
    const found = countFor(result, model);
    const status = verdict === true ? "valid" : verdict === false ? "INVALID" : "unknown";
    const note = verdict === "unknown" ? (result.unknown[model] ?? "") : found;
    return [model, MODEL_NAMES[model], status, note];
  });
  const header = ["model", "", "verdict", "anomalies"];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
}

export function countFor(result: CheckResult, model: ModelName): string {
  const counts = Object.entries(result.stats.anomalyCounts).filter(([type]) => MODEL_PATTERNS[model].includes(type as AnomalyType));
  return counts.length === 0 ? "0" : counts.map(([type, count]) => `${type} ${count}`).join(", ");
}

export function verdictLine(result: CheckResult): string {
  if (result.valid === true) return "Valid: no anomalies found.";
  if (result.valid === "unknown") return "Unknown: no anomalies found, but some models could not be decided.";
  const total = Object.values(result.stats.anomalyCounts).reduce((sum, n) => sum + (n ?? 0), 0);
  return `Invalid: ${total} anomal${total === 1 ? "y" : "ies"} found.`;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** The witness lines of anomalies of one history, as renderResult words them. */
export function witnessRenderer(history: History): (anomaly: Anomaly) => string[] {
  const describe = new OperationDescriber(history);
  return (anomaly) => renderAnomaly(anomaly, describe);
}

function renderAnomaly(anomaly: Anomaly, describe: OperationDescriber): string[] {
  const labels = new Labels(mentionedOperations(anomaly));
  const body = bodyOf(anomaly, labels);
  return [...labels.legend(describe).map((line, i) => `${i === 0 ? "Let" : "   "} ${line}`), ...body];
}

const OPERATION_FIELDS = new Set(["read", "saw", "expected", "write", "failedWrite", "from", "to"]);

/** History indexes an anomaly mentions, ascending, so labels follow history order. */
function mentionedOperations(anomaly: Anomaly): number[] {
  const found = new Set<number>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object")
      for (const [field, inner] of Object.entries(value)) {
        if (OPERATION_FIELDS.has(field) && typeof inner === "number") found.add(inner);
        else walk(inner);
      }
  };
  walk(anomaly);
  return [...found].sort((a, b) => a - b);
}

function bodyOf(anomaly: Anomaly, labels: Labels): string[] {
  switch (anomaly.type) {
    case "CyclicCO":
    case "CyclicHB":
    case "CyclicCF":
      return cycleBody(anomaly, labels);
    case "ThinAirRead":
      return thinAirBody(anomaly, labels);
    case "Divergence":
      return divergenceBody(anomaly, labels);
    case "LostWrite":
      return lostWriteBody(anomaly, labels);
    default:
      return staleReadBody(anomaly, labels);
  }
}

function cycleBody(anomaly: Cycle, labels: Labels): string[] {
  const first = labels.of(anomaly.cycle[0]!.from);
  const where = anomaly.process === undefined ? "" : ` in the view of process ${JSON.stringify(anomaly.process)}`;
  return [`Then${where}:`, ...steps(anomaly.cycle, labels), `So ${first} < ${first}: a cycle, a contradiction.`];
}

function staleReadBody(anomaly: StaleRead, labels: Labels): string[] {
  const saw = anomaly.saw === null ? undefined : labels.of(anomaly.saw);
  const expected = labels.of(anomaly.expected);
  const read = labels.of(anomaly.read);
  const lines = [`${expected} must be visible to ${read}:`, ...steps(anomaly.because, labels)];
  if (saw !== undefined) lines.push(`${saw} is older than ${expected}:`, ...steps(anomaly.older ?? [], labels));
  lines.push(
    saw === undefined
      ? `However ${read} read ${key(anomaly.key)} = null, and neither the initial state nor any delete can be newer than ${expected}: a contradiction.`
      : `However ${read} read ${key(anomaly.key)} from ${saw}, which ${expected} overwrote: a contradiction.`,
  );
  return lines;
}

function thinAirBody(anomaly: ThinAirRead, labels: Labels): string[] {
  const read = labels.of(anomaly.read);
  if (anomaly.failedWrite === undefined)
    return [`${read} read ${key(anomaly.key)} = ${anomaly.value}, a value no write of ${key(anomaly.key)} wrote.`];
  return [`${read} read ${key(anomaly.key)} = ${anomaly.value}, written only by ${labels.of(anomaly.failedWrite)}, which failed.`];
}

function divergenceBody(anomaly: Divergence, labels: Labels): string[] {
  const [a, b] = anomaly.reads;
  return [
    `After quiescence, ${labels.of(a!.read)} read ${key(anomaly.key)} = ${a!.value} but ${labels.of(b!.read)} read ${key(anomaly.key)} = ${b!.value}: the replicas did not converge.`,
  ];
}

function lostWriteBody(anomaly: LostWrite, labels: Labels): string[] {
  const write = labels.of(anomaly.write);
  const lines = [`${write} was acknowledged, yet every process's last read of ${key(anomaly.key)} after quiescence shows an older state:`];
  for (const final of anomaly.finalReads) {
    const read = labels.of(final.read);
    if (final.saw === null) lines.push(`- ${read} read null, and no delete can be newer than ${write};`);
    else lines.push(`- ${read} read from ${labels.of(final.saw)}, which is older than ${write}:`, ...indent(steps(final.older ?? [], labels)));
  }
  lines.push(`So ${write} is lost.`);
  return lines;
}

function steps(chain: readonly Step[], labels: Labels): string[] {
  return chain.map((step) => `- ${stepText(step, labels)}`);
}

function stepText(step: Step, labels: Labels): string {
  const [from, to] = [labels.of(step.from), labels.of(step.to)];
  switch (step.rel) {
    case "po":
      return `${from} < ${to}: ${from} precedes ${to} in its process`;
    case "wr":
      return `${from} < ${to}: ${to} read ${key(step.key!)} from ${from}`;
    case "cf":
      return `${from} < ${to}: ${labels.of(step.read!)} read ${key(step.key!)} from ${to} after ${from}${reasons(step, labels)}`;
    case "hb":
      return `${from} < ${to}: this process's read ${labels.of(step.read!)} took ${key(step.key!)} from ${to} after ${from}${reasons(step, labels)}`;
  }
}

function reasons(step: Step, labels: Labels): string {
  if (step.because === undefined || step.because.length === 0) return "";
  return ` (${step.because.map((inner) => stepText(inner, labels)).join("; ")})`;
}

function key(name: string): string {
  return /^[\w.:/-]+$/.test(name) ? name : JSON.stringify(name);
}

/** Names operations T1, T2, ... in order of first mention. */
class Labels {
  private readonly names = new Map<number, string>();

  constructor(ordered: readonly number[]) {
    for (const index of ordered) this.of(index);
  }

  of(index: number): string {
    let name = this.names.get(index);
    if (name === undefined) this.names.set(index, (name = `T${this.names.size + 1}`));
    return name;
  }

  legend(describe: OperationDescriber): string[] {
    return [...this.names].map(([index, name]) => `${name} = ${describe.of(index)}`);
  }
}

class OperationDescriber {
  private readonly byIndex = new Map<number, Operation>();

  constructor(history: History) {
    for (const operation of history.operations) this.byIndex.set(operation.index, operation);
  }

  of(index: number): string {
    const operation = this.byIndex.get(index);
    if (operation === undefined) return `#${index}`;
    const status = operation.status === "ok" ? "" : ` (${operation.status})`;
    return `process ${JSON.stringify(operation.process)}: ${action(operation)}${status} #${index}`;
  }
}

function action(operation: Operation): string {
  switch (operation.f) {
    case "read":
    case "notify":
      return `${operation.f} ${pairs(operation.reads, "→")}`;
    case "delete":
      return `delete ${key(operation.writes[0]!.key)}`;
    default:
      return `${operation.f} ${pairs(operation.writes, ":=")}`;
  }
}

function pairs(values: KeyValue[], arrow: string): string {
  const text = values.map(({ key: name, value }) => `${key(name)} ${arrow} ${value ?? "null"}`);
  return text.length === 1 ? text[0]! : `{${text.join(", ")}}`;
}
