/**
 * The sync machine of one replica of one manifest: whether to list at all
 * (the marker poll), where a listing starts and when it is complete, which
 * checkpoint and entries to fetch, what to skip, and when to start over from
 * a checkpoint. Pure, like the commit machine: facts in (`handle`), requests
 * and outcomes out (`pollRequest`, `pollOutcome`); the driver
 * (impl/manifest-sync.ts) performs reads, with their retries, and the replica
 * applies what a sync fetched.
 *
 * One sync at a time: idle → (marker) → listing → fetching → applying → idle.
 */
import { lagMs, type TimingBounds } from "./bounds.ts";
import type { RequestFailure } from "./commit-machine.ts";
import { decodeCheckpoint, decodeEntry, type Checkpoint, type Entry } from "./entry-codec.ts";
import { ProtocolError, transition, type Lifecycle, type Transition } from "./lifecycle.ts";
import { logPrefix, parseLogKey } from "./log-keys.ts";
import { ListingJudge, listingStartAfter, settledBefore, type CheckpointRef, type EntryRef } from "./log-listing.ts";
import { NOTHING_FOLDED, type ManifestState } from "./manifest-state.ts";
import type { ProtocolRules } from "./rules.ts";
import { compareOrder, type Order } from "./order.ts";
import type { ListedObject } from "./storage-vocabulary.ts";

export const SYNC_LIFECYCLE = {
  name: "sync",
  transitions: {
    idle: { requested: "pollingMarker", requestedUnmarked: "listing" },
    pollingMarker: { markerUnchanged: "idle", markerChanged: "listing", markerFailed: "idle" },
    listing: { pageListed: "listing", listingComplete: "fetching", pageFailed: "idle", tooManyPages: "idle" },
    fetching: {
      bodyFetched: "fetching",
      allFetched: "applying",
      checkpointUnreadable: "listing",
      tooManyUnreadable: "idle",
      objectVanished: "idle",
      bodyFailed: "idle",
    },
    applying: { applied: "idle", applyFailed: "idle" },
  },
} as const satisfies Lifecycle;

type SyncState = keyof typeof SYNC_LIFECYCLE.transitions;
type SyncTableEvent = { [S in SyncState]: keyof (typeof SYNC_LIFECYCLE.transitions)[S] }[SyncState] & string;

/** What a completed listing found: to load (checkpoint first) and fold up to `settledTs`. */
export interface NewLog {
  checkpoint: Checkpoint | undefined;
  entries: Entry[];
  /** Every valid entry at or below this timestamp has been seen. */
  settledTs: number;
}

export interface SyncNow {
  localMs: number;
  storeMs: number;
}

export type SyncInput =
  | { type: "syncRequested" }
  | { type: "markerAnswered"; requestId: number; status: 200 | 304 | 404; etag: string | undefined }
  | { type: "pageAnswered"; requestId: number; contents: readonly ListedObject[]; isTruncated: boolean; nextContinuationToken: string | undefined; date: number | undefined }
  | { type: "bodyAnswered"; requestId: number; status: 200 | 304 | 404; body: string | undefined }
  | { type: "requestFailed"; requestId: number; failure: RequestFailure }
  | { type: "applied" }
  | { type: "applyFailed"; message: string };

export type SyncRequest =
  | { requestId: number; kind: "getMarker"; ifNoneMatch: string | undefined }
  | { requestId: number; kind: "listPage"; prefix: string; startAfter: string | undefined; continuationToken: string | undefined }
  | { requestId: number; kind: "getBody"; key: string };

export type SyncOutcome =
  | { kind: "upToDate" }
  /** Everything new is fetched: the replica applies it, then reports `applied`. */
  | { kind: "fetched"; log: NewLog }
  | { kind: "synced" }
  | { kind: "failed"; message: string; failure: RequestFailure | undefined }
  | { kind: "warning"; message: string }
  | { kind: "path"; mark: string }
  | { kind: "transition"; transition: Transition };

export interface SyncConfig {
  manifest: string;
  bounds: TimingBounds;
  /** Poll the marker first and list only when it changed (or a full listing is due). */
  useMarker: boolean;
  /** Even with the marker, list at least this often, in case a writer's marker PUT was lost. */
  fullListIntervalMs: number;
  rules: Pick<ProtocolRules, "staleCheck" | "fullReplayWindow">;
}

/**
 * Pages one listing may take before the sync gives up: a million log objects
 * newer than what the replica needs at S3's 1,000 keys a page, far past what
 * checkpoints leave; it bounds a server whose pagination never ends.
 */
export const MAX_PAGES = 1_000;
/** Planted or corrupt checkpoints skipped in one sync before it gives up until the next. */
export const MAX_UNREADABLE_CHECKPOINTS = 8;
const FETCH_CONCURRENCY = 8;

type ListedPage = Pick<Extract<SyncInput, { type: "pageAnswered" }>, "contents" | "isTruncated" | "nextContinuationToken">;

interface Fetch {
  /** The checkpoint and, once one was found unreadable this sync, older ones fetched with it: newest first. */
  candidates: CheckpointRef[];
  entries: EntryRef[];
  waiting: Array<{ key: string; ts: number; checkpoint: boolean }>;
  bodies: Map<string, string>;
  inFlight: number;
  settledTs: number;
}

export class SyncMachine {
  private state: SyncState = "idle";
  private synced = false;
  private markerEtag: string | undefined;
  private pendingMarkerEtag: string | undefined;
  /** When the last listing that was applied started: the full-list interval counts from it. */
  private listedAtLocalMs = -Infinity;
  private listingStartedAtLocalMs = -Infinity;
  /** Log objects rejected once, by key, with their ts (forgotten once settled). */
  private readonly rejected = new Map<string, number>();
  /** After a log object vanished mid-sync: start over from a checkpoint. */
  private restartCold = false;
  private judge: ListingJudge | undefined;
  private listDate: number | undefined;
  /** Entries newer than this were skipped by the listing's StartAfter. */
  private listStartTs = 0;
  private pages = 0;
  /** This round's pages: judged again, without a checkpoint found unreadable, instead of listing again. */
  private listed: ListedPage[] = [];
  /** Bodies fetched this round, kept when a fetch gives way to another judgement of the same listing. */
  private fetchedBodies = new Map<string, string>();
  private unreadable = 0;
  private fetch: Fetch | undefined;
  private readonly inFlight = new Map<number, { key: string; ts: number; checkpoint: boolean } | "marker" | "page">();
  /** Requests of a fetch that failed: their answers, when they come, are dropped. */
  private readonly abandoned = new Set<number>();
  private readonly requests: SyncRequest[] = [];
  private readonly outcomes: SyncOutcome[] = [];
  private nextRequestId = 1;

  constructor(
    private readonly config: SyncConfig,
    private readonly log: Pick<ManifestState, "watermark" | "knows">,
  ) {}

  /** Some sync has been applied. */
  get hasSynced(): boolean {
    return this.synced;
  }

  get busy(): boolean {
    return this.state !== "idle";
  }

  handle(event: SyncInput, now: SyncNow): void {
    if ("requestId" in event && this.abandoned.delete(event.requestId)) return;
    switch (event.type) {
      case "syncRequested":
        return this.start(now);
      case "markerAnswered":
        this.take(event.requestId, "marker");
        return this.markerAnswered(event.status, event.etag, now);
      case "pageAnswered":
        this.take(event.requestId, "page");
        return this.pageAnswered(event, now);
      case "bodyAnswered":
        return this.bodyAnswered(this.take(event.requestId, "body"), event.status, event.body, now);
      case "requestFailed":
        return this.requestFailed(event.requestId, event.failure);
      case "applied":
        this.move("applied");
        this.markerEtag = this.pendingMarkerEtag;
        this.listedAtLocalMs = this.listingStartedAtLocalMs;
        this.synced = true;
        this.forgetSettled(this.fetch!.settledTs);
        this.fetch = undefined;
        this.outcomes.push({ kind: "synced" });
        return;
      case "applyFailed":
        this.move("applyFailed");
        this.fetch = undefined;
        this.outcomes.push({ kind: "failed", message: event.message, failure: undefined });
    }
  }

  pollRequest(): SyncRequest | undefined {
    return this.requests.shift();
  }

  pollOutcome(): SyncOutcome | undefined {
    return this.outcomes.shift();
  }

  private start(now: SyncNow): void {
    if (this.config.useMarker) {
      this.move("requested");
      this.send({ kind: "getMarker", ifNoneMatch: this.markerEtag }, "marker");
    } else {
      this.move("requestedUnmarked");
      this.startListing(now);
    }
  }

  private markerAnswered(status: 200 | 304 | 404, etag: string | undefined, now: SyncNow): void {
    const seen = status === 200 ? etag : status === 304 ? this.markerEtag : undefined;
    const listDue = now.localMs - this.listedAtLocalMs >= this.config.fullListIntervalMs;
    if (seen === this.markerEtag && this.synced && !listDue) {
      this.move("markerUnchanged");
      this.outcomes.push({ kind: "upToDate" });
      return;
    }
    this.move("markerChanged");
    this.pendingMarkerEtag = seen;
    this.startListing(now);
  }

  private startListing(now: SyncNow): void {
    this.listingStartedAtLocalMs = now.localMs;
    this.listAgain(now);
  }

  /** A listing from the newest entry that can be valid, judged against what the replica knows. */
  private listAgain(now: SyncNow): void {
    this.judge = this.newJudge();
    this.listDate = undefined;
    this.pages = 0;
    this.listed = [];
    this.fetchedBodies = new Map();
    this.listStartTs = now.storeMs + lagMs(this.config.bounds);
    const startAfter = listingStartAfter(this.config.manifest, now.storeMs, this.config.bounds);
    this.send({ kind: "listPage", prefix: logPrefix(this.config.manifest), startAfter, continuationToken: undefined }, "page");
  }

  private newJudge(): ListingJudge {
    const known = {
      ...(this.restartCold
        ? { watermark: NOTHING_FOLDED, knows: () => false }
        : { watermark: this.log.watermark, knows: (order: Order) => this.log.knows(order) }),
      skips: (key: string) => this.rejected.has(key),
    };
    // The first checkpoint alone (it can be large); after an unreadable one, as many older ones at once as the sync may still skip.
    const candidates = this.unreadable === 0 ? 1 : Math.min(FETCH_CONCURRENCY, MAX_UNREADABLE_CHECKPOINTS - this.unreadable);
    return new ListingJudge(this.config.manifest, known, this.config.bounds, this.config.rules.staleCheck, candidates);
  }

  /** This round's listing judged again (its rejected objects now skipped), listing on where it stopped if that is not enough. */
  private judgeAgain(now: SyncNow): void {
    this.judge = this.newJudge();
    for (const page of this.listed) if (this.judged(page, now)) return;
    this.listNextPage(this.listed.at(-1)!.nextContinuationToken);
  }

  /** Judges one more page of the listing; once the listing is complete, starts fetching and returns true. */
  private judged(page: ListedPage, now: SyncNow): boolean {
    this.warnRejected(this.judge!.page(page.contents).rejected);
    if (!this.judge!.complete && page.isTruncated) return false;
    this.move("listingComplete");
    this.startFetching(now);
    return true;
  }

  private pageAnswered(page: Extract<SyncInput, { type: "pageAnswered" }>, now: SyncNow): void {
    this.listDate ??= page.date ?? now.storeMs - this.config.bounds.staleMs;
    this.listed.push(page);
    if (this.judged(page, now)) return;
    if (++this.pages >= MAX_PAGES) {
      this.move("tooManyPages");
      this.outcomes.push({ kind: "failed", message: `log of ${this.config.manifest} exceeds ${MAX_PAGES} pages`, failure: undefined });
      return;
    }
    this.move("pageListed");
    this.listNextPage(page.nextContinuationToken);
  }

  private listNextPage(continuationToken: string | undefined): void {
    this.send({ kind: "listPage", prefix: logPrefix(this.config.manifest), startAfter: undefined, continuationToken }, "page");
  }

  private startFetching(now: SyncNow): void {
    const result = this.judge!.result();
    const newest = result.candidates[0];
    const checkpoint = newest && newest.ts > this.log.watermark ? newest : undefined;
    const entries = checkpoint ? result.entries : result.entries.filter((entry) => !this.log.knows(entry));
    const candidates = !checkpoint ? [] : this.fetchedBodies.has(checkpoint.key) ? [checkpoint] : result.candidates.filter((c) => c.ts > this.log.watermark);
    const wanted = [...candidates.map((c) => ({ key: c.key, ts: c.ts, checkpoint: true })), ...entries.map((e) => ({ key: e.key, ts: e.ts, checkpoint: false }))];
    this.fetch = {
      candidates,
      entries,
      waiting: wanted.filter(({ key }) => !this.fetchedBodies.has(key)),
      bodies: this.fetchedBodies,
      inFlight: 0,
      // A listing answered long after it was asked for knows nothing newer than where it started.
      settledTs: Math.min(this.listStartTs, settledBefore(this.listDate!, this.replayBounds())),
    };
    this.fetchMore(now);
  }

  private fetchMore(now: SyncNow): void {
    const fetch = this.fetch!;
    while (fetch.inFlight < FETCH_CONCURRENCY && fetch.waiting.length > 0) {
      const next = fetch.waiting.shift()!;
      fetch.inFlight++;
      this.send({ kind: "getBody", key: next.key }, next);
    }
    if (fetch.inFlight === 0) this.finishFetching(now);
  }

  private bodyAnswered(ref: { key: string; ts: number; checkpoint: boolean }, status: number, body: string | undefined, now: SyncNow): void {
    const fetch = this.fetch!;
    fetch.inFlight--;
    if (status !== 200 || body === undefined) {
      this.restartCold = true;
      this.move("objectVanished");
      this.abandonFetch();
      this.outcomes.push({ kind: "path", mark: "sync starts over from a checkpoint" });
      this.outcomes.push({ kind: "failed", message: `log object ${ref.key} vanished (${status}); starting over from a checkpoint`, failure: undefined });
      return;
    }
    this.move("bodyFetched");
    fetch.bodies.set(ref.key, body);
    this.fetchMore(now);
  }

  private finishFetching(now: SyncNow): void {
    const fetch = this.fetch!;
    let checkpoint: Checkpoint | undefined;
    const unreadable: Array<{ ref: CheckpointRef; reason: string }> = [];
    for (const ref of fetch.candidates) {
      const decoded = decodeCheckpoint(fetch.bodies.get(ref.key)!);
      if (decoded.ok && decoded.value.ts === ref.ts) {
        checkpoint = decoded.value;
        break;
      }
      unreadable.push({ ref, reason: decoded.ok ? "body does not match its key" : decoded.reason });
    }
    if (unreadable.length > 0) return this.checkpointsUnreadable(unreadable, now);
    const entries: Entry[] = [];
    for (const ref of fetch.entries) {
      const decoded = decodeEntry(fetch.bodies.get(ref.key)!);
      const matches = decoded.ok && decoded.value.ts === ref.ts && decoded.value.session === ref.session && decoded.value.seq === ref.seq;
      if (matches) entries.push(decoded.value);
      else this.reject(ref.key, ref.ts, decoded.ok ? "body does not match its key" : decoded.reason);
    }
    this.move("allFetched");
    this.unreadable = 0;
    this.outcomes.push({ kind: "fetched", log: { checkpoint, entries: entries.sort(compareOrder), settledTs: fetch.settledTs } });
  }

  /** The checkpoints are skipped from now on, and the log judged again without them (the next readable one's body is kept). */
  private checkpointsUnreadable(unreadable: Array<{ ref: CheckpointRef; reason: string }>, now: SyncNow): void {
    for (const { ref, reason } of unreadable) this.reject(ref.key, ref.ts, reason);
    this.unreadable += unreadable.length;
    if (this.unreadable >= MAX_UNREADABLE_CHECKPOINTS) {
      this.move("tooManyUnreadable");
      this.fetch = undefined;
      this.unreadable = 0;
      this.outcomes.push({ kind: "failed", message: `${MAX_UNREADABLE_CHECKPOINTS} checkpoints in a row were unreadable; listing again later`, failure: undefined });
      return;
    }
    this.move("checkpointUnreadable");
    this.fetch = undefined;
    this.judgeAgain(now);
  }

  private requestFailed(requestId: number, failure: RequestFailure): void {
    const what = this.inFlight.get(requestId);
    if (what === undefined) throw new ProtocolError(`sync: no request ${requestId} is in flight`);
    this.inFlight.delete(requestId);
    const event: SyncTableEvent = what === "marker" ? "markerFailed" : what === "page" ? "pageFailed" : "bodyFailed";
    this.move(event);
    if (what !== "marker" && what !== "page") this.abandonFetch();
    this.outcomes.push({ kind: "failed", message: failure.message, failure });
  }

  /** Answers still due for a fetch that failed are dropped when they come. */
  private abandonFetch(): void {
    for (const [id, what] of this.inFlight) {
      if (typeof what !== "object") continue;
      this.inFlight.delete(id);
      this.abandoned.add(id);
    }
    this.fetch = undefined;
  }

  private take(requestId: number, kind: "marker" | "page" | "body"): { key: string; ts: number; checkpoint: boolean } {
    const what = this.inFlight.get(requestId);
    const actual = what === "marker" || what === "page" ? what : what === undefined ? undefined : "body";
    if (actual !== kind) throw new ProtocolError(`sync: a ${kind} answer to request ${requestId} is not allowed in state "${this.state}"`);
    this.inFlight.delete(requestId);
    return what as { key: string; ts: number; checkpoint: boolean };
  }

  private send(request: DistributiveOmit<SyncRequest, "requestId">, what: "marker" | "page" | { key: string; ts: number; checkpoint: boolean }): void {
    const requestId = this.nextRequestId++;
    this.inFlight.set(requestId, what);
    this.requests.push({ ...request, requestId } as SyncRequest);
  }

  private replayBounds(): TimingBounds {
    const { bounds, rules } = this.config;
    return rules.fullReplayWindow ? bounds : { staleMs: Math.ceil(bounds.staleMs / 4), marginMs: 0 };
  }

  private reject(key: string, ts: number, reason: string): void {
    this.warnRejected([{ key, reason }]);
    this.rejected.set(key, ts);
  }

  private warnRejected(rejected: Array<{ key: string; reason: string }>): void {
    for (const { key, reason } of rejected) {
      if (this.rejected.has(key)) continue;
      this.rejected.set(key, parseLogKey(this.config.manifest, key)?.ts ?? Infinity);
      this.outcomes.push({ kind: "warning", message: `skipping log object ${JSON.stringify(key)}: ${reason}` });
    }
  }

  private forgetSettled(settledTs: number): void {
    this.restartCold = false;
    for (const [key, ts] of this.rejected) if (ts <= settledTs) this.rejected.delete(key);
  }

  private move(event: SyncTableEvent): void {
    const from = this.state;
    this.state = transition<SyncState, SyncTableEvent>(SYNC_LIFECYCLE, from, event);
    this.outcomes.push({ kind: "transition", transition: { machine: SYNC_LIFECYCLE.name, from, event, to: this.state } });
  }
}

/** `Omit` over each member of a union of request shapes. */
export type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
