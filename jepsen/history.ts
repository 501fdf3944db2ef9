/**
 * Histories of client operations in JSON Lines, close to Jepsen's format.
 * See docs/history-format.md for the format itself.
 */

export type Json = null | boolean | number | string | Json[] | { [field: string]: Json };
export type EventType = "invoke" | "ok" | "fail" | "info";
export type OperationKind = "read" | "write" | "delete" | "batch" | "notify";
/** `quiesce` marks the settled system; `nemesis` records a fault being injected or healed. Neither is an operation. */
export type EventFunction = OperationKind | "quiesce" | "nemesis";
export type Process = number | string;

export interface HistoryEvent {
  index: number;
  time?: number;
  process: Process;
  type: EventType;
  f: EventFunction;
  key?: string;
  value?: Json;
}

/** A key with a value as canonical JSON; null when the key is absent (never written or deleted). */
export interface KeyValue {
  key: string;
  value: string | null;
}

/** An invocation paired with its completion, or a lone notification. */
export interface Operation {
  /** History index of the invoke event (of the notification for `notify`). */
  index: number;
  /** History index of the completion; undefined while pending at the end of the history. */
  completion?: number;
  process: Process;
  f: OperationKind;
  /** A pending operation counts as "info": its outcome is unknown. */
  status: "ok" | "fail" | "info";
  /** What an ok read or notification saw. */
  reads: KeyValue[];
  /** What a write, delete or batch wrote (known from its invocation, whatever its outcome). */
  writes: KeyValue[];
  /** Invoked after the quiesce marker: a final read. */
  final: boolean;
}

export interface History {
  events: HistoryEvent[];
  operations: Operation[];
  /** History index of the quiesce marker, if any. */
  quiesce?: number;
}

export class HistoryError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** JSON with object fields sorted, so equal values have equal text. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.keys(value).sort();
    return `{${fields.map((field) => `${JSON.stringify(field)}:${canonicalJson(value[field]!)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Shared by the many operations that read or write nothing, to save memory on large histories. */
const NONE: KeyValue[] = [];

function canonicalOrAbsent(value: Json): string | null {
  return value === null ? null : canonicalJson(value);
}

export function parseHistory(text: string): History {
  const assembler = new HistoryAssembler();
  // Every line's JSON and fields are checked before pairing rules, so a pairing error is reported only once all lines are read.
  let pairingError: HistoryError | undefined;
  let position = 0;
  forEachLine(text, (raw, line) => {
    if (raw.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new HistoryError(line, `bad JSON (${(error as Error).message})`);
    }
    const event = validateEvent(parsed, line, position++, "reuse");
    if (pairingError !== undefined) return;
    try {
      assembler.accept(event, line);
    } catch (error) {
      if (!(error instanceof HistoryError)) throw error;
      pairingError = error;
    }
  });
  if (pairingError !== undefined) throw pairingError;
  return assembler.history();
}

/** Visits lines one at a time (no array of all lines: histories can be hundreds of megabytes). */
function forEachLine(text: string, visit: (raw: string, line: number) => void): void {
  for (let start = 0, line = 1; start < text.length; line++) {
    const end = text.indexOf("\n", start);
    const stop = end < 0 ? text.length : end;
    visit(text.slice(start, stop), line);
    start = stop + 1;
  }
}

/** Builds a history from events made in code; errors name the event's position (1-based) as its line. */
export function historyFromEvents(events: readonly HistoryEvent[]): History {
  const checked = events.map((event, i) => validateEvent(event, i + 1, i, "copy"));
  const assembler = new HistoryAssembler();
  checked.forEach((event, i) => assembler.accept(event, i + 1));
  return assembler.history();
}

export function formatHistory(events: readonly HistoryEvent[]): string {
  return events.map((event) => JSON.stringify(orderedFields(event)) + "\n").join("");
}

function orderedFields(event: HistoryEvent): Record<string, unknown> {
  const { index, time, process, type, f, key, value } = event;
  return { index, time, process, type, f, key, value };
}

const EVENT_TYPES: readonly string[] = ["invoke", "ok", "fail", "info"];
const FUNCTIONS: readonly string[] = ["read", "write", "delete", "batch", "notify", "quiesce", "nemesis"];
const FIELDS: ReadonlySet<string> = new Set(["index", "time", "process", "type", "f", "key", "value"]);

/**
 * The event as the format defines it. With "reuse", an object fresh from
 * JSON.parse that has its index and no other fields is kept as it is rather
 * than copied, which saves memory on large histories.
 */
function validateEvent(raw: unknown, line: number, position: number, ownership: "reuse" | "copy"): HistoryEvent {
  const fail = (reason: string): never => {
    throw new HistoryError(line, reason);
  };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) fail("an event must be a JSON object");
  const event = raw as Record<string, unknown>;
  const { index = position, time, process, type, f, key, value } = event;
  if (!Number.isInteger(index) || (index as number) < 0) fail("index must be a non-negative integer");
  if (time !== undefined && (typeof time !== "number" || !Number.isFinite(time))) fail("time must be a number");
  if (!(typeof process === "string" || Number.isInteger(process))) fail("process must be an integer or a string");
  if (typeof type !== "string" || !EVENT_TYPES.includes(type)) fail(`type must be one of ${EVENT_TYPES.join(", ")}`);
  if (typeof f !== "string" || !FUNCTIONS.includes(f)) fail(`f must be one of ${FUNCTIONS.join(", ")}`);
  if (key !== undefined && typeof key !== "string") fail("key must be a string");
  if (ownership === "reuse" && event.index !== undefined && onlyKnownFields(event)) {
    validateShape(event as unknown as HistoryEvent, fail);
    return event as unknown as HistoryEvent;
  }
  const checked: HistoryEvent = {
    index: index as number,
    process: process as Process,
    type: type as EventType,
    f: f as EventFunction,
  };
  if (time !== undefined) checked.time = time as number;
  if (key !== undefined) checked.key = key as string;
  if (value !== undefined) checked.value = value as Json;
  validateShape(checked, fail);
  return checked;
}

function onlyKnownFields(event: Record<string, unknown>): boolean {
  for (const field in event) if (!FIELDS.has(field)) return false;
  return true;
}

/** Per-function rules on key and value. */
function validateShape(event: HistoryEvent, fail: (reason: string) => never): void {
  const { f, type, key, value } = event;
  if (f === "quiesce" && type !== "info") fail('the quiesce marker must have type "info"');
  if (f === "nemesis" && type !== "info") fail('a nemesis event must have type "info"');
  if (f === "nemesis" && value !== undefined && (value === null || typeof value !== "object" || Array.isArray(value)))
    fail("a nemesis event's value must be a JSON object");
  if (f === "notify" && type !== "ok") fail('a notification is a single event of type "ok"');
  if ((f === "write" || f === "delete") && key === undefined) fail(`a ${f} needs a key`);
  if (f === "write" && type === "invoke" && (value === undefined || value === null))
    fail("a write needs a non-null value (use delete to remove a key)");
  if (f === "delete" && value !== undefined && value !== null) fail("a delete has no value");
  if (f === "batch" && (type === "invoke" || value !== undefined)) pairsOf(value, "a batch value", fail);
  if ((f === "read" || f === "notify") && key === undefined && type === "ok")
    pairsOf(value, "a read without a key has a value that", fail);
}

/** A list of [key, value] pairs with distinct string keys. */
function pairsOf(value: Json | undefined, what: string, fail: (reason: string) => never): [string, Json][] {
  if (!Array.isArray(value) || value.length === 0) return fail(`${what} must be a non-empty list of [key, value] pairs`);
  const seen = new Set<string>();
  return value.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string")
      return fail(`${what} must be a list of [key, value] pairs with string keys`);
    if (seen.has(pair[0])) return fail(`key ${JSON.stringify(pair[0])} appears twice in one operation`);
    seen.add(pair[0]);
    return [pair[0], pair[1] as Json];
  });
}

interface Pending {
  operation: Operation;
  line: number;
  key: string | undefined;
}

/** Pairs invocations with completions, one process at a time, and enforces the format's rules. */
class HistoryAssembler {
  private readonly events: HistoryEvent[] = [];
  private readonly operations: Operation[] = [];
  /** Keyed by process itself: Map keys tell 1 from "1". */
  private readonly pending = new Map<Process, Pending>();
  private readonly crashedAt = new Map<Process, number>();
  /** key -> written value -> line of the write. */
  private readonly written = new Map<string, Map<string, number>>();
  private quiesce?: number;
  private line = 0;

  accept(event: HistoryEvent, line: number): void {
    this.line = line;
    const previous = this.events[this.events.length - 1];
    if (previous !== undefined && event.index <= previous.index) this.fail(`index ${event.index} does not increase`);
    this.events.push(event);
    if (event.f === "nemesis") return;
    if (event.f === "quiesce") return this.acceptQuiesce(event);
    if (event.f === "notify") return this.acceptNotify(event);
    if (event.type === "invoke") return this.acceptInvoke(event);
    this.acceptCompletion(event);
  }

  /** Operations are in invocation order, which is history order. */
  history(): History {
    for (const { operation } of this.pending.values()) operation.status = "info";
    return { events: this.events, operations: this.operations, ...(this.quiesce === undefined ? {} : { quiesce: this.quiesce }) };
  }

  private fail(reason: string): never {
    throw new HistoryError(this.line, reason);
  }

  private acceptQuiesce(event: HistoryEvent): void {
    if (this.quiesce !== undefined) this.fail("a history has at most one quiesce marker");
    this.quiesce = event.index;
  }

  private acceptNotify(event: HistoryEvent): void {
    const pending = this.pending.get(event.process);
    if (pending !== undefined)
      this.fail(
        `notification while process ${processKey(event.process)} has an operation pending (line ${pending.line}); record notifications under their own process`,
      );
    this.checkNotCrashed(event.process);
    this.operations.push(this.newOperation(event, "ok", readsOf(event), NONE));
  }

  private acceptInvoke(event: HistoryEvent): void {
    const pending = this.pending.get(event.process);
    if (pending !== undefined)
      this.fail(`process ${processKey(event.process)} invokes while its operation at line ${pending.line} is still pending`);
    this.checkNotCrashed(event.process);
    if (this.quiesce !== undefined && event.f !== "read") this.fail(`a ${event.f} after the quiesce marker`);
    const operation = this.newOperation(event, "info", NONE, writesOf(event));
    for (const write of operation.writes) this.recordWrite(write);
    this.operations.push(operation);
    this.pending.set(event.process, { operation, line: this.line, key: event.key });
  }

  /** One object literal with every field, so all operations share one shape (spreading gave each its own). */
  private newOperation(event: HistoryEvent, status: Operation["status"], reads: KeyValue[], writes: KeyValue[]): Operation {
    return {
      index: event.index,
      completion: undefined,
      process: event.process,
      f: event.f as OperationKind,
      status,
      reads,
      writes,
      final: this.quiesce !== undefined,
    };
  }

  private checkNotCrashed(process: Process): void {
    const crashed = this.crashedAt.get(process);
    if (crashed !== undefined)
      this.fail(
        `process ${processKey(process)} continues after its info outcome at line ${crashed}; as in Jepsen, continue under a new process id`,
      );
  }

  private recordWrite({ key, value }: KeyValue): void {
    if (value === null) return;
    let values = this.written.get(key);
    if (values === undefined) this.written.set(key, (values = new Map()));
    const earlier = values.get(value);
    if (earlier !== undefined)
      this.fail(`value ${value} is written to key ${JSON.stringify(key)} again (first at line ${earlier}); writes must be unique`);
    values.set(value, this.line);
  }

  private acceptCompletion(event: HistoryEvent): void {
    const pending = this.pending.get(event.process);
    if (pending === undefined) this.fail(`${event.type} without a matching invoke by process ${processKey(event.process)}`);
    const { operation } = pending;
    if (operation.f !== event.f) this.fail(`${event.type} ${event.f} completes a ${operation.f} (line ${pending.line})`);
    if (this.quiesce !== undefined && operation.f !== "read" && event.type !== "info")
      this.fail(`a ${operation.f} completes after the quiesce marker; quiesce once writes have finished`);
    this.checkCompletionMatches(event, pending);
    this.pending.delete(event.process);
    operation.completion = event.index;
    operation.status = event.type as Operation["status"];
    if (event.type === "info") this.crashedAt.set(event.process, this.line);
    if (event.type === "ok" && operation.f === "read") operation.reads = readsOf(event);
  }

  private checkCompletionMatches(event: HistoryEvent, pending: Pending): void {
    if (pending.operation.f === "read") {
      if (event.type === "ok" && event.key !== pending.key)
        this.fail(`read completes with key ${JSON.stringify(event.key)} but was invoked with ${JSON.stringify(pending.key)}`);
      return;
    }
    if (event.value === undefined) return;
    if (!sameWrites(writesOf(event), pending.operation.writes))
      this.fail(`the completion's value differs from its invocation's (line ${pending.line})`);
  }
}

function sameWrites(a: KeyValue[], b: KeyValue[]): boolean {
  return a.length === b.length && a.every((write, i) => write.key === b[i]!.key && write.value === b[i]!.value);
}

/** A process as messages show it: process 1 and process "1" differ. */
export function processKey(process: Process): string {
  return JSON.stringify(process);
}

function writesOf(event: HistoryEvent): KeyValue[] {
  switch (event.f) {
    case "write":
      return [{ key: event.key!, value: canonicalOrAbsent(event.value ?? null) }];
    case "delete":
      return [{ key: event.key!, value: null }];
    case "batch":
      return (event.value as [string, Json][]).map(([key, value]) => ({ key, value: canonicalOrAbsent(value) }));
    default:
      return NONE;
  }
}

function readsOf(event: HistoryEvent): KeyValue[] {
  if (event.key !== undefined) return [{ key: event.key, value: canonicalOrAbsent(event.value ?? null) }];
  return (event.value as [string, Json][]).map(([key, value]) => ({ key, value: canonicalOrAbsent(value) }));
}
