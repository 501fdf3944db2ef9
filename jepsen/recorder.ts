/**
 * Records what MPS3 clients are asked and answer as a history in the
 * checker's format (docs/history-format.md).
 *
 * A recorded process is sequential, as the format requires: it invokes one
 * operation at a time. A client's processes share its session: once the
 * client has been told of a value, everything any of them does next is
 * causally after it. So a subscription notification is recorded, as a read
 * between operations, in every process of the client that is idle when it
 * arrives; and, if the subscribing process is busy, also in a process of its
 * own (`<process>-sub`), so that no notification goes unchecked. Every written value is made
 * unique by the recorder, so each read names the write it saw. Values are
 * copied when recorded: what the caller passed or was given, at that moment.
 */
import { WriteError } from "../impl/write-errors.ts";
import type { Json } from "../protocol/json-value.ts";
import { formatHistory, historyFromEvents, type EventFunction, type EventType, type History, type HistoryEvent, type Process } from "./history.ts";

/** A batch or delete names `null` for a deleted key. */
export type Pair = [key: string, value: Json | null];

/** What the recorder drives: an MPS3 client, or a stand-in for one in another OS process. */
export interface RecordableClient {
  put(key: string, value: Json | undefined): Promise<void>;
  putAll(values: Map<string, Json | undefined>): Promise<void>;
  delete(key: string): Promise<void>;
  get(key: string): Promise<Json | undefined>;
  subscribe(key: string, handler: (value: Json | undefined, error?: Error) => void): () => void;
}

/** A fault injected or healed, as a nemesis event records it (docs/history-format.md). */
export interface NemesisNote {
  fault: string;
  phase: "start" | "stop";
  detail: string;
}

export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private quiesced = false;
  private readonly processesByClient = new Map<RecordableClient, RecordedProcess[]>();

  constructor(private readonly now: () => number) {}

  /** A sequential process driving `client`. */
  process(id: Process, client: RecordableClient): RecordedProcess {
    const process = new RecordedProcess(this, id, client);
    const processes = this.processesByClient.get(client) ?? [];
    processes.push(process);
    this.processesByClient.set(client, processes);
    return process;
  }

  /** @internal */
  processesOf(client: RecordableClient): readonly RecordedProcess[] {
    return this.processesByClient.get(client) ?? [];
  }

  /**
   * Marks the system settled: everything invoked from now on is a final read.
   * A write still pending stays unknown (`info`): its outcome, if it ever
   * comes, is not recorded.
   */
  quiesce(): void {
    if (this.quiesced) throw new Error("the history is already quiesced");
    this.quiesced = true;
    this.emit("nemesis", "info", "quiesce", {});
  }

  /** Records a nemesis event; allowed at any time. */
  nemesis(note: NemesisNote): void {
    this.emit("nemesis", "info", "nemesis", { value: { ...note } });
  }

  get isQuiesced(): boolean {
    return this.quiesced;
  }

  history(): History {
    return historyFromEvents(this.events);
  }

  jsonl(): string {
    return formatHistory(this.events);
  }

  /** @internal */
  emit(process: Process, type: EventType, f: EventFunction, fields: { key?: string; value?: Json }): void {
    const { key, value } = fields;
    this.events.push({
      index: this.events.length,
      time: this.now(),
      process,
      type,
      f,
      ...(key === undefined ? {} : { key }),
      ...(value === undefined ? {} : { value: structuredClone(value) }),
    });
  }
}

export class RecordedProcess {
  private pending: EventFunction | undefined;
  private crashed = false;
  private ended = false;
  private written = 0;
  private unsubscribes: Array<() => void> = [];
  private abandoned = 0;
  private readonly baseId: Process;

  constructor(
    private readonly recorder: HistoryRecorder,
    public id: Process,
    readonly client: RecordableClient,
  ) {
    this.baseId = id;
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  get pendingOperation(): EventFunction | undefined {
    return this.pending;
  }

  /** A value no other write of the history has: the process id and a counter. */
  uniqueValue(padBytes = 0): Json {
    const value: Record<string, Json> = { by: String(this.id), n: this.written++ };
    if (padBytes > 0) value.pad = "x".repeat(padBytes);
    return value;
  }

  put(key: string, value: Json): Promise<void> {
    return this.write("write", { key, value }, () => this.client.put(key, value));
  }

  delete(key: string): Promise<void> {
    return this.write("delete", { key }, () => this.client.delete(key));
  }

  putAll(pairs: Pair[]): Promise<void> {
    const values = new Map<string, Json | undefined>(pairs.map(([key, value]) => [key, value ?? undefined]));
    return this.write("batch", { value: pairs }, () => this.client.putAll(values));
  }

  /** Resolves with what the client returned (undefined if the read failed), as the client gave it. */
  async get(key: string): Promise<Json | undefined> {
    this.begin("read", { key });
    let value: Json | undefined;
    try {
      value = await this.client.get(key);
    } catch {
      this.complete("fail", "read", { key });
      return undefined;
    }
    this.complete("ok", "read", { key, value: value ?? null });
    return value;
  }

  /**
   * Records every notification for `key`: in each idle process of the client, and in `<id>-sub` while this one is busy.
   * Returns what ends this subscription.
   */
  subscribe(key: string): () => void {
    const unsubscribe = this.client.subscribe(key, (value, error) => {
      // A call with an error reports a failed sync; its value is only what this handler was last given.
      if (this.crashed || error !== undefined) return;
      const told = { key, value: value ?? null };
      if (this.busy) this.recorder.emit(`${this.id}-sub`, "ok", "notify", told);
      for (const process of this.recorder.processesOf(this.client)) process.told(told);
    });
    this.unsubscribes.push(unsubscribe);
    return () => {
      const at = this.unsubscribes.indexOf(unsubscribe);
      if (at >= 0) this.unsubscribes.splice(at, 1)[0]!();
    };
  }

  /** The client was notified: an idle process records it as its next read. */
  private told(notification: { key: string; value: Json }): void {
    if (!this.crashed && !this.ended && !this.busy) this.recorder.emit(this.id, "ok", "notify", notification);
  }

  unsubscribeAll(): void {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
  }

  /** The client died: whatever is pending stays unknown, and nothing more is recorded. */
  crash(): void {
    this.crashed = true;
  }

  /** The client was shut down: what is pending still completes, and nothing new may start. */
  end(): void {
    this.unsubscribeAll();
    this.ended = true;
  }

  private async write(f: "write" | "delete" | "batch", given: { key?: string; value?: Json }, run: () => Promise<void>): Promise<void> {
    // The completion repeats the invocation's value, whatever the caller does to its object meanwhile.
    const fields = given.value === undefined ? given : { ...given, value: structuredClone(given.value) };
    this.begin(f, fields);
    try {
      await run();
    } catch (error) {
      // An unknown outcome stays unknown in the history (`info`), as a pending write does.
      if (error instanceof WriteError && error.outcome === "unknown") return this.abandon();
      return this.complete("fail", f, fields);
    }
    this.complete("ok", f, fields);
  }

  /**
   * The operation's outcome is unknown: it stays open in the history, and the
   * client's next operations are recorded as a new process (as Jepsen does
   * with a thread whose operation timed out).
   */
  private abandon(): void {
    this.pending = undefined;
    this.id = `${this.baseId}~${++this.abandoned}`;
  }

  private begin(f: EventFunction, fields: { key?: string; value?: Json }): void {
    if (this.crashed) throw new Error(`process ${this.id} has crashed`);
    if (this.ended) throw new Error(`process ${this.id} has ended`);
    if (this.pending !== undefined) throw new Error(`process ${this.id} is busy with ${this.pending}`);
    this.pending = f;
    this.recorder.emit(this.id, "invoke", f, fields);
  }

  private complete(type: EventType, f: EventFunction, fields: { key?: string; value?: Json }): void {
    if (this.crashed) return;
    if (f !== "read" && this.recorder.isQuiesced) {
      this.crashed = true; // its outcome stays unknown, so in the history the process can do nothing more
      return;
    }
    this.pending = undefined;
    this.recorder.emit(this.id, type, f, fields);
  }
}
