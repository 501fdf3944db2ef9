/**
 * The commit machine of one session on one manifest: which writes go into
 * which log entry, when an entry counts as committed (acknowledged), what a
 * refused or ambiguous PUT means, when to look, when to try again and when
 * to give up. Pure: time comes in with every input, requests and outcomes go
 * out as data, and the driver (impl/committer.ts) performs and reports them.
 *
 * Inputs (`handle`) are facts in the past tense; outputs are pulled:
 * `pollRequest` (storage requests with ids, in the order to send them), then
 * `pollOutcome` (what happened to writes, warnings, transitions), then
 * `pollTimeout` (the next local time at which `timerFired` is due). A driver
 * drains all three after every input.
 *
 * Safety rules, each a table entry below:
 * - an entry is acknowledged only once it is known valid, by the PUT's Date
 *   or by a look-up of its own key: the verdict every reader reaches;
 * - an ambiguous PUT is never re-sent: the machine waits until the entry can
 *   no longer land validly (ts + stale bound + margin) and looks; absent from
 *   a complete listing (looked at before the retention horizon) means never landed
 *   (log-retention.ts); a look-up that cannot tell leaves the outcome unknown;
 * - writes known not to count go first into a later entry under a new key,
 *   until their deadline (`writeTimeoutMs` after submission); then they fail.
 */
import { lagMs, type TimingBounds } from "./bounds.ts";
import { CommitQueue, type Batch } from "./commit-queue.ts";
import { encodeEntry, MAX_ENTRY_OPS_BYTES, type Entry, type Op } from "./entry-codec.ts";
import { ProtocolError, transition, type Lifecycle, type Transition } from "./lifecycle.ts";
import { entryKey } from "./log-keys.ts";
import { DATE_PRECISION_MS, judgeLookUp } from "./log-retention.ts";
import type { ProtocolRules } from "./rules.ts";
import type { Order } from "./order.ts";

/** The state of one write (a put, putAll or delete call on this manifest). */
export const WRITE_LIFECYCLE = {
  name: "write",
  transitions: {
    new: { submitted: "queued", submittedWithContent: "uploading" },
    uploading: { contentStored: "queued", contentFailed: "failed", expired: "failed" },
    queued: { batched: "inFlight" },
    inFlight: { entryAcked: "acked", entryRequeued: "queued", entryFailed: "failed", entryUnknown: "unknown" },
    acked: {},
    // A write that expired while uploading still hears how its upload ended.
    failed: { contentStored: "failed", contentFailed: "failed" },
    unknown: {},
  },
} as const satisfies Lifecycle;

/** The state of one log entry, from its PUT to its verdict. */
export const ENTRY_LIFECYCLE = {
  name: "entry",
  transitions: {
    new: { sent: "putting" },
    putting: {
      putValid: "acked",
      putUnproven: "lookingUp",
      putRefused: "requeued",
      putRefusedLate: "failed",
      putAmbiguous: "settling",
      putFatal: "failed",
    },
    settling: { settled: "lookingUp" },
    lookingUp: {
      foundValid: "acked",
      notCounted: "requeued",
      notCountedLate: "failed",
      cannotTell: "unknown",
      lookUpFailed: "backingOff",
      lookUpGaveUp: "unknown",
    },
    backingOff: { retry: "lookingUp" },
    acked: {},
    requeued: {},
    failed: {},
    unknown: {},
  },
} as const satisfies Lifecycle;

/** The change marker rewritten after each acknowledged entry, so pollers know to list. */
export const MARKER_LIFECYCLE = {
  name: "marker",
  transitions: {
    new: { sent: "writing" },
    writing: { answered: "written", failed: "backingOff", gaveUp: "abandoned" },
    backingOff: { retry: "writing" },
    written: {},
    abandoned: {},
  },
} as const satisfies Lifecycle;

export const COMMIT_LIFECYCLES: readonly Lifecycle[] = [WRITE_LIFECYCLE, ENTRY_LIFECYCLE, MARKER_LIFECYCLE];

type States<L> = L extends { transitions: infer T } ? keyof T & string : never;
type Events<L> = L extends { transitions: infer T } ? { [S in keyof T]: keyof T[S] }[keyof T] & string : never;
type WriteState = States<typeof WRITE_LIFECYCLE>;
type WriteEvent = Events<typeof WRITE_LIFECYCLE>;
type EntryState = States<typeof ENTRY_LIFECYCLE>;
type EntryEvent = Events<typeof ENTRY_LIFECYCLE>;
type MarkerState = States<typeof MARKER_LIFECYCLE>;
type MarkerEvent = Events<typeof MARKER_LIFECYCLE>;

/** Times as the driver reads them, and one uniform random number for jitter. */
export interface Now {
  /** The local clock (timers, deadlines). */
  localMs: number;
  /** The corrected estimate of the store's clock (timestamps). */
  storeMs: number;
  /** Uniform in [0, 1). */
  jitter: number;
}

/** How a failed request failed, as the storage reported it. */
export interface RequestFailure {
  /** False for anything other than a StorageError: an adapter bug, never retried. */
  storageError: boolean;
  retryable: boolean;
  /** The request may have been applied. */
  ambiguous: boolean;
  message: string;
}

export type CommitEvent =
  | { type: "writeSubmitted"; writeId: number; ops: Op[] | undefined; bytes: number }
  | { type: "contentStored"; writeId: number; ops: Op[] }
  | { type: "contentFailed"; writeId: number; message: string }
  | { type: "putAnswered"; requestId: number; status: number; date: number | undefined }
  | { type: "putFailed"; requestId: number; failure: RequestFailure }
  /** `truncated`: the listing said more keys follow, so a key it did not show may still exist. */
  | { type: "lookUpAnswered"; requestId: number; found: { lastModified: number } | undefined; truncated: boolean; date: number | undefined }
  | { type: "lookUpFailed"; requestId: number; failure: RequestFailure }
  | { type: "markerAnswered"; requestId: number }
  | { type: "markerFailed"; requestId: number; failure: RequestFailure }
  | { type: "timerFired" };

export type CommitRequest =
  | { requestId: number; kind: "putEntry"; key: string; body: string }
  | { requestId: number; kind: "lookUp"; key: string }
  | { requestId: number; kind: "putMarker"; body: string };

export type CommitOutcome =
  | { kind: "acked"; entry: Entry; writeIds: number[] }
  | { kind: "failed"; writeIds: number[]; outcome: "not written" | "unknown"; message: string }
  /** A PUT attempt failed; its writes are still being committed. */
  | { kind: "attemptFailed"; writeIds: number[] }
  /** The entry left the in-flight set (acknowledged, queued again or given up). */
  | { kind: "landed"; entry: Entry }
  | { kind: "warning"; message: string }
  | { kind: "transition"; transition: Transition };

export interface CommitConfig {
  manifest: string;
  session: string;
  bounds: TimingBounds;
  writeTimeoutMs: number;
  rules: Pick<ProtocolRules, "lamportBump" | "entriesInFlight" | "staleCheck">;
}

const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;
const MARKER_ATTEMPTS = 4;

interface WriteRecord {
  state: WriteState;
  deadlineMs: number;
}

interface EntryRecord {
  state: EntryState;
  batch: Batch;
  key: string;
  requestId: number;
  /** settling: store time to look at; backingOff: local time to retry. */
  wakeMs: number;
  attempts: number;
}

interface MarkerRecord {
  state: MarkerState;
  body: string;
  requestId: number;
  wakeLocalMs: number;
  attempts: number;
}

export class CommitMachine {
  private readonly queue: CommitQueue;
  private readonly writes = new Map<number, WriteRecord>();
  private readonly entries = new Map<number, EntryRecord>();
  private readonly markers = new Map<number, MarkerRecord>();
  private readonly requests: CommitRequest[] = [];
  private readonly outcomes: CommitOutcome[] = [];
  private nextRequestId = 1;
  private holdUntilLocalMs = -Infinity;
  private rejections = 0;

  constructor(private readonly config: CommitConfig) {
    if (!(config.writeTimeoutMs > 0)) throw new RangeError(`writeTimeoutMs must be positive, got ${config.writeTimeoutMs}`);
    this.queue = new CommitQueue(config.session, config.rules);
  }

  /** Every write has an outcome and every marker is written or given up. */
  get idle(): boolean {
    return this.writes.size === 0 && this.markers.size === 0;
  }

  /** The order of the oldest entry in flight, if any. */
  oldestInFlight(): Order | undefined {
    return this.queue.oldestInFlight();
  }

  handle(event: CommitEvent, now: Now): void {
    switch (event.type) {
      case "writeSubmitted":
        this.submit(event.writeId, event.ops, event.bytes, now);
        return;
      case "contentStored":
      case "contentFailed":
        this.contentDone(event);
        return;
      case "putAnswered":
        this.putAnswered(this.entryFor(event.requestId, "putting"), event.status, event.date, now);
        return;
      case "putFailed":
        this.putFailed(this.entryFor(event.requestId, "putting"), event.failure, now);
        return;
      case "lookUpAnswered":
        this.lookUpAnswered(this.entryFor(event.requestId, "lookingUp"), event, now);
        return;
      case "lookUpFailed":
        this.lookUpFailed(this.entryFor(event.requestId, "lookingUp"), event.failure, now);
        return;
      case "markerAnswered":
      case "markerFailed":
        this.markerDone(event, now);
        return;
      case "timerFired":
        this.timerFired(now);
    }
  }

  /** The next request to send; `maxSeenTs` is the highest timestamp the replica has seen (Lamport bump). */
  pollRequest(now: Now, maxSeenTs: number): CommitRequest | undefined {
    if (this.requests.length === 0 && now.localMs >= this.holdUntilLocalMs) this.startEntry(now, maxSeenTs);
    return this.requests.shift();
  }

  pollOutcome(): CommitOutcome | undefined {
    return this.outcomes.shift();
  }

  /** The local time at which `timerFired` is next due, if any. */
  pollTimeout(now: Now): number | undefined {
    let due = this.queue.length > 0 && this.holdUntilLocalMs > now.localMs ? this.holdUntilLocalMs : Infinity;
    for (const record of this.writes.values()) if (record.state === "uploading") due = Math.min(due, record.deadlineMs);
    for (const entry of this.entries.values()) {
      if (entry.state === "settling") due = Math.min(due, now.localMs + Math.max(0, entry.wakeMs - now.storeMs));
      if (entry.state === "backingOff") due = Math.min(due, entry.wakeMs);
    }
    for (const marker of this.markers.values()) if (marker.state === "backingOff") due = Math.min(due, marker.wakeLocalMs);
    return due === Infinity ? undefined : due;
  }

  private submit(writeId: number, ops: Op[] | undefined, bytes: number, now: Now): void {
    if (this.writes.has(writeId)) throw new ProtocolError(`write ${writeId} submitted twice`);
    const record: WriteRecord = { state: "new", deadlineMs: now.localMs + this.config.writeTimeoutMs };
    this.writes.set(writeId, record);
    this.moveWrite(record, ops ? "submitted" : "submittedWithContent");
    this.queue.enqueue(writeId, ops, bytes);
  }

  private contentDone(event: Extract<CommitEvent, { type: "contentStored" | "contentFailed" }>): void {
    const record = this.writes.get(event.writeId);
    if (!record) throw new ProtocolError(`write ${event.writeId} is not being committed`);
    const wasUploading = record.state === "uploading";
    this.moveWrite(record, event.type);
    if (!wasUploading) {
      this.writes.delete(event.writeId);
    } else if (event.type === "contentStored") {
      this.queue.markReady(event.writeId, event.ops);
    } else {
      this.queue.remove(event.writeId);
      this.finishWrites([event.writeId], "not written", `write not committed: its content could not be stored: ${event.message}`);
    }
  }

  private startEntry(now: Now, maxSeenTs: number): void {
    const batch = this.queue.next(now.storeMs, maxSeenTs, MAX_ENTRY_OPS_BYTES);
    if (!batch) return;
    const { entry } = batch;
    const key = entryKey(this.config.manifest, entry.ts, entry.session, entry.seq);
    const record: EntryRecord = { state: "new", batch, key, requestId: this.nextRequestId++, wakeMs: 0, attempts: 0 };
    this.entries.set(record.requestId, record);
    for (const writeId of batch.writeIds) this.moveWrite(this.writes.get(writeId)!, "batched");
    this.moveEntry(record, "sent");
    this.requests.push({ requestId: record.requestId, kind: "putEntry", key, body: encodeEntry(entry) });
  }

  private putAnswered(entry: EntryRecord, status: number, date: number | undefined, now: Now): void {
    if (status !== 200) {
      this.outcomes.push({ kind: "warning", message: `log PUT ${entry.key} answered ${status}; resolving its outcome` });
      this.settle(entry, now);
    } else if (this.surelyValid(entry.batch.entry.ts, date)) {
      this.moveEntry(entry, "putValid");
      this.acked(entry);
    } else {
      this.moveEntry(entry, "putUnproven");
      this.lookUp(entry);
    }
  }

  private putFailed(entry: EntryRecord, failure: RequestFailure, now: Now): void {
    if (!failure.storageError || (!failure.ambiguous && !failure.retryable)) {
      this.moveEntry(entry, "putFatal");
      this.givenUp(entry, "not written", `write not committed: ${failure.message}`);
      return;
    }
    this.outcomes.push({ kind: "attemptFailed", writeIds: entry.batch.writeIds });
    if (failure.ambiguous) {
      this.outcomes.push({ kind: "warning", message: `log PUT ${entry.key} failed (${failure.message}); resolving its outcome` });
      this.settle(entry, now);
    } else {
      this.outcomes.push({ kind: "warning", message: `log PUT ${entry.key} was refused (${failure.message})` });
      this.notCounted(entry, `the store refused it (${failure.message})`, "putRefused", "putRefusedLate", now);
    }
  }

  /** Waits until the entry can no longer land validly; the timer then looks it up. */
  private settle(entry: EntryRecord, now: Now): void {
    this.moveEntry(entry, "putAmbiguous");
    entry.wakeMs = entry.batch.entry.ts + lagMs(this.config.bounds);
    this.timerFired(now);
  }

  private lookUpAnswered(entry: EntryRecord, { found, truncated, date }: Extract<CommitEvent, { type: "lookUpAnswered" }>, now: Now): void {
    if (!found && truncated) {
      const message = "its look-up's listing was truncated before the entry's key: absence not shown";
      return this.lookUpFailed(entry, { storageError: true, retryable: true, ambiguous: false, message }, now);
    }
    const listDate = date ?? now.storeMs + this.config.bounds.staleMs;
    const verdict = judgeLookUp(entry.batch.entry.ts, found, listDate, this.config.bounds, this.config.rules.staleCheck);
    if (verdict.outcome === "valid") {
      this.moveEntry(entry, "foundValid");
      this.acked(entry);
    } else if (verdict.outcome === "unknown") {
      this.moveEntry(entry, "cannotTell");
      this.givenUp(entry, "unknown", `the write's outcome is unknown: ${verdict.reason}`);
    } else {
      const reason = found ? `${verdict.reason}; is this machine's clock (or clockOffset) off?` : verdict.reason;
      if (found) this.outcomes.push({ kind: "warning", message: `own entry ${entry.key} does not count: ${reason}` });
      this.notCounted(entry, reason, "notCounted", "notCountedLate", now);
    }
  }

  private lookUpFailed(entry: EntryRecord, failure: RequestFailure, now: Now): void {
    if (failure.storageError && failure.retryable && !this.pastDeadline(entry.batch, now)) {
      this.moveEntry(entry, "lookUpFailed");
      entry.wakeMs = now.localMs + this.backoffMs(entry.attempts++, now);
      return;
    }
    this.moveEntry(entry, "lookUpGaveUp");
    this.givenUp(entry, "unknown", `the write's outcome is unknown: its log PUT's answer was lost and looking for it failed (${failure.message})`);
  }

  private timerFired(now: Now): void {
    for (const [writeId, record] of this.writes) {
      if (record.state !== "uploading" || now.localMs < record.deadlineMs) continue;
      this.moveWrite(record, "expired");
      this.queue.remove(writeId);
      this.outcomes.push({ kind: "failed", writeIds: [writeId], outcome: "not written", message: this.lateMessage("its content was not stored in time") });
    }
    for (const entry of this.entries.values()) {
      if (entry.state === "settling" && now.storeMs >= entry.wakeMs) {
        this.moveEntry(entry, "settled");
        this.lookUp(entry);
      } else if (entry.state === "backingOff" && now.localMs >= entry.wakeMs) {
        this.moveEntry(entry, "retry");
        this.lookUp(entry);
      }
    }
    for (const marker of this.markers.values()) {
      if (marker.state !== "backingOff" || now.localMs < marker.wakeLocalMs) continue;
      this.moveMarker(marker, "retry");
      this.sendMarker(marker);
    }
  }

  private lookUp(entry: EntryRecord): void {
    this.entries.delete(entry.requestId);
    entry.requestId = this.nextRequestId++;
    this.entries.set(entry.requestId, entry);
    this.requests.push({ requestId: entry.requestId, kind: "lookUp", key: entry.key });
  }

  private acked(entry: EntryRecord): void {
    this.entries.delete(entry.requestId);
    this.rejections = 0;
    const { batch } = entry;
    this.queue.acked(batch);
    for (const writeId of batch.writeIds) this.moveWrite(this.writes.get(writeId)!, "entryAcked");
    for (const writeId of batch.writeIds) this.writes.delete(writeId);
    this.outcomes.push({ kind: "acked", entry: batch.entry, writeIds: batch.writeIds }, { kind: "landed", entry: batch.entry });
    const marker: MarkerRecord = { state: "new", body: entry.key, requestId: 0, wakeLocalMs: 0, attempts: 0 };
    this.moveMarker(marker, "sent");
    this.sendMarker(marker);
  }

  /** The entry does not count: its writes go first into a later entry, unless past their deadline. */
  private notCounted(
    entry: EntryRecord,
    reason: string,
    again: "putRefused" | "notCounted",
    late: "putRefusedLate" | "notCountedLate",
    now: Now,
  ): void {
    if (this.pastDeadline(entry.batch, now)) {
      this.moveEntry(entry, late);
      this.givenUp(entry, "not written", this.lateMessage(reason));
      return;
    }
    this.moveEntry(entry, again);
    this.entries.delete(entry.requestId);
    this.queue.rejected(entry.batch);
    for (const writeId of entry.batch.writeIds) this.moveWrite(this.writes.get(writeId)!, "entryRequeued");
    this.holdUntilLocalMs = now.localMs + this.backoffMs(this.rejections++, now);
    this.outcomes.push({ kind: "landed", entry: entry.batch.entry });
  }

  private givenUp(entry: EntryRecord, outcome: "not written" | "unknown", message: string): void {
    this.entries.delete(entry.requestId);
    this.queue.abandoned(entry.batch);
    const event = outcome === "unknown" ? "entryUnknown" : "entryFailed";
    for (const writeId of entry.batch.writeIds) this.moveWrite(this.writes.get(writeId)!, event);
    this.finishWrites(entry.batch.writeIds, outcome, message);
    this.outcomes.push({ kind: "landed", entry: entry.batch.entry });
  }

  private finishWrites(writeIds: number[], outcome: "not written" | "unknown", message: string): void {
    for (const writeId of writeIds) this.writes.delete(writeId);
    this.outcomes.push({ kind: "failed", writeIds, outcome, message });
  }

  private markerDone(event: Extract<CommitEvent, { type: "markerAnswered" | "markerFailed" }>, now: Now): void {
    const marker = this.markers.get(event.requestId);
    if (!marker) throw new ProtocolError(`no marker write ${event.requestId} is in flight`);
    this.markers.delete(event.requestId);
    if (event.type === "markerAnswered") {
      this.moveMarker(marker, "answered");
    } else if (event.failure.storageError && event.failure.retryable && ++marker.attempts < MARKER_ATTEMPTS) {
      this.moveMarker(marker, "failed");
      marker.wakeLocalMs = now.localMs + this.backoffMs(marker.attempts, now);
      this.markers.set(marker.requestId, marker);
    } else {
      this.moveMarker(marker, "gaveUp");
      this.outcomes.push({ kind: "warning", message: `marker PUT failed: ${event.failure.message}` });
    }
  }

  private sendMarker(marker: MarkerRecord): void {
    this.markers.delete(marker.requestId);
    marker.requestId = this.nextRequestId++;
    this.markers.set(marker.requestId, marker);
    this.requests.push({ requestId: marker.requestId, kind: "putMarker", body: marker.body });
  }

  /**
   * LastModified lies within [Date - margin, Date + precision) of the PUT's
   * response; when every such value is valid, so is the entry.
   */
  private surelyValid(ts: number, date: number | undefined): boolean {
    if (!this.config.rules.staleCheck) return true;
    if (date === undefined) return false;
    const { staleMs, marginMs } = this.config.bounds;
    return date + DATE_PRECISION_MS - ts <= staleMs && ts - (date - marginMs) <= staleMs;
  }

  private pastDeadline(batch: Batch, now: Now): boolean {
    return batch.writeIds.some((writeId) => now.localMs >= this.writes.get(writeId)!.deadlineMs);
  }

  private lateMessage(reason: string): string {
    return `write not committed within ${this.config.writeTimeoutMs} ms: ${reason}`;
  }

  /** Exponential backoff with full jitter. */
  private backoffMs(attempt: number, now: Now): number {
    return Math.floor(now.jitter * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }

  private entryFor(requestId: number, expected: EntryState): EntryRecord {
    const entry = this.entries.get(requestId);
    if (!entry) throw new ProtocolError(`no log request ${requestId} is in flight`);
    if (entry.state !== expected) throw new ProtocolError(`entry: an answer to request ${requestId} is not allowed in state "${entry.state}"`);
    return entry;
  }

  private moveWrite(record: WriteRecord, event: WriteEvent): void {
    record.state = this.move<WriteState, WriteEvent>(WRITE_LIFECYCLE, record.state, event);
  }

  private moveEntry(entry: EntryRecord, event: EntryEvent): void {
    entry.state = this.move<EntryState, EntryEvent>(ENTRY_LIFECYCLE, entry.state, event);
  }

  private moveMarker(marker: MarkerRecord, event: MarkerEvent): void {
    marker.state = this.move<MarkerState, MarkerEvent>(MARKER_LIFECYCLE, marker.state, event);
  }

  private move<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, from: S, event: E): S {
    const to = transition(lifecycle, from, event);
    this.outcomes.push({ kind: "transition", transition: { machine: lifecycle.name, from, event, to } });
    return to;
  }
}
