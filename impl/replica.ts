import { lagMs, type TimingBounds } from "../protocol/bounds.ts";
import type { CheckpointPolicy } from "../protocol/checkpoint-policy.ts";
import type { Entry, Op, Pointer } from "../protocol/entry-codec.ts";
import type { Json } from "../protocol/json-value.ts";
import { ManifestState } from "../protocol/manifest-state.ts";
import { Committer } from "./committer.ts";
import type { ContentStore } from "./content-store.ts";
import { Maintenance } from "./maintenance.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { FULL_LIST_INTERVAL_MS, ManifestSync, type NewLog } from "./manifest-sync.ts";
import { Notifier, type Handler, type Watcher } from "./notifier.ts";
import { backoffMs, isRetryable, sleep, withRetry, PERSISTENT_RETRY, READ_RETRY } from "./retry.ts";

export interface ReplicaOptions {
  pollFrequencyMs: number;
  writeTimeoutMs: number;
  /** How long ready() keeps trying through passing faults. */
  readyTimeoutMs: number;
  useMarker: boolean;
  autoclean: boolean;
  checkpointPolicy: CheckpointPolicy;
}

interface LocalWrite {
  writeId: number;
  value: Json | undefined;
}

const FETCH_FAILED = Symbol("fetch failed");


/**
 * How long after a write is acknowledged every replica polling every
 * `pollMs` shows it (or a later write), whether or not its marker PUT landed.
 */
export function convergedWithinMs(bounds: TimingBounds, pollMs: number): number {
  return lagMs(bounds) + FULL_LIST_INTERVAL_MS + 4 * pollMs;
}

/**
 * One client's copy of one manifest: the synced state, the optimistic overlay
 * of its own unacknowledged writes, the commit and sync machinery, and the
 * subscribers. Local reads see `overlay ?? synced`.
 */
export class ManifestReplica {
  readonly state = new ManifestState();
  private readonly sync: ManifestSync;
  private readonly committer: Committer;
  private readonly notifier: Notifier;
  private readonly maintenance: Maintenance;
  private readonly overlay = new Map<string, LocalWrite[]>();
  private readonly acks = new Map<number, { resolve: () => void; reject: (error: Error) => void; settled: Promise<void> }>();
  private refreshing: Promise<void> | undefined;
  private synced = false;
  private pollTimer: unknown;
  private stopped = false;

  constructor(
    private readonly ctx: ManifestContext,
    private readonly content: ContentStore,
    session: string,
    private readonly options: ReplicaOptions,
  ) {
    this.sync = new ManifestSync(ctx, this.state, options.useMarker);
    this.maintenance = new Maintenance(ctx, this.state, { policy: options.checkpointPolicy, autoclean: options.autoclean });
    this.committer = new Committer(ctx, this.state, session, {
      acked: (entry, writeIds) => this.onAcked(entry, writeIds),
      failed: (writeIds, error) => writeIds.forEach((id) => this.settleWrite(id, error)),
      attemptFailed: (writeIds) => {
        if (!ctx.rules.keepOptimisticUntilSettled) this.publish(writeIds.flatMap((id) => this.dropOverlay(id)));
      },
      landed: (entry) => this.publish(this.state.keysAfter(entry)),
    }, options.writeTimeoutMs);
    this.notifier = new Notifier((error) => ctx.log("error", `subscriber threw: ${String(error)}`));
  }

  get subscriberCount(): number {
    return this.notifier.subscriberCount;
  }

  // ---- writes ----

  /** Shows the write locally at once and queues it; resolves when it is acknowledged. */
  begin(writeId: number, values: Array<[string, Json | undefined]>, ops: Op[] | undefined, bytes: number): Promise<void> {
    this.assertRunning();
    let settle!: { resolve: () => void; reject: (error: Error) => void };
    const acked = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.acks.set(writeId, { ...settle, settled: acked.then(() => undefined, () => undefined) });
    for (const [key, value] of values) {
      const writes = this.overlay.get(key) ?? [];
      writes.push({ writeId, value });
      this.overlay.set(key, writes);
    }
    this.publish(values.map(([key]) => key));
    this.committer.submit(writeId, ops, bytes);
    return acked;
  }

  contentReady(writeId: number, ops: Op[]): void {
    this.committer.contentStored(writeId, ops);
  }

  /** The write's content objects could not be stored: it fails. */
  abort(writeId: number, error: Error): void {
    this.committer.contentFailed(writeId, error);
  }

  /** Every write begun has been acknowledged or has failed, and the markers are written. */
  async flushed(): Promise<void> {
    while (this.acks.size > 0) await Promise.all([...this.acks.values()].map((ack) => ack.settled));
    await this.committer.idle();
  }

  private onAcked(entry: Entry, writeIds: number[]): void {
    const changed = new Set(this.state.apply(entry));
    this.maintenance.handle({ type: "committed" });
    for (const writeId of writeIds) for (const key of this.settleWrite(writeId)) changed.add(key);
    this.publish(changed);
  }

  /** Drops a write from the overlay and settles its promise; returns the keys it covered. */
  private settleWrite(writeId: number, error?: Error): string[] {
    const keys = this.dropOverlay(writeId);
    const ack = this.acks.get(writeId);
    this.acks.delete(writeId);
    if (error) {
      this.publish(keys);
      ack?.reject(error);
    } else ack?.resolve();
    return keys;
  }

  /** Returns the keys the write covered. */
  private dropOverlay(writeId: number): string[] {
    const keys: string[] = [];
    for (const [key, writes] of this.overlay) {
      const remaining = writes.filter((write) => write.writeId !== writeId);
      if (remaining.length === writes.length) continue;
      keys.push(key);
      if (remaining.length === 0) this.overlay.delete(key);
      else this.overlay.set(key, remaining);
    }
    return keys;
  }

  // ---- reads ----

  async get(key: string): Promise<Json | undefined> {
    const local = this.overlay.get(key)?.at(-1);
    if (local) return local.value;
    await this.refresh(true);
    return this.valueOf(key);
  }

  subscribe(key: string, handler: Handler): () => void {
    this.assertRunning();
    const subscription = this.notifier.subscribe(key, handler);
    this.afterSubscribe(() => this.deliverCurrent(key, subscription.id));
    return () => {
      subscription.remove();
      if (this.notifier.subscriberCount === 0) this.stopPolling();
    };
  }

  watch(watcher: Watcher): () => void {
    this.assertRunning();
    const watch = this.notifier.watch(watcher);
    this.afterSubscribe(() => {
      for (const key of this.knownKeys()) void this.deliverCurrent(key, watch.id);
    });
    return () => {
      watch.remove();
      if (this.notifier.subscriberCount === 0) this.stopPolling();
    };
  }

  /**
   * Resolves once synced; keeps syncing through passing faults, and rejects on
   * an error that retrying cannot cure or after `readyTimeoutMs`.
   */
  async ready(): Promise<void> {
    const giveUpAt = this.ctx.env.now() + this.options.readyTimeoutMs;
    for (let attempt = 0; !this.synced; attempt++) {
      try {
        await this.refresh(false);
      } catch (error) {
        if (!isRetryable(error) || this.ctx.env.now() >= giveUpAt) throw error;
        this.ctx.log("warn", `sync failed: ${(error as Error).message}; trying again`);
        await sleep(this.ctx.env, backoffMs(this.ctx.env, attempt, READ_RETRY));
      }
    }
  }

  /** Syncs with the bucket; `fresh`: a sync that starts after this call. */
  async refresh(fresh: boolean): Promise<void> {
    if (this.refreshing && fresh) await this.refreshing.catch(() => undefined);
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  shutdown(): void {
    this.stopped = true;
    this.stopPolling();
  }

  private afterSubscribe(deliver: () => void): void {
    if (this.synced) queueMicrotask(deliver);
    else
      void this.ready().then(deliver, (error: Error) => {
        this.ctx.log("error", `cannot sync ${this.ctx.manifest.key} for its subscribers: ${error.message}`);
        this.notifier.fail(error);
      });
    this.startPolling();
  }

  private async deliverCurrent(key: string, only: symbol): Promise<void> {
    const fetched = await this.valueForSubscribers(key);
    if (fetched === FETCH_FAILED) return;
    const current = this.currentIfCached(key);
    this.notifier.deliver(key, current ? current.value : fetched, only);
  }

  private knownKeys(): Set<string> {
    const keys = new Set(this.overlay.keys());
    for (const [key] of this.state.entries()) keys.add(key);
    return keys;
  }

  /**
   * The log's pointer for `key` as this client shows it: while an own entry is
   * in flight, remote entries ordered after it are held back. Its optimistic
   * values show meanwhile; showing a later remote entry too would let the
   * entry, if it is then committed again under a later timestamp, reappear.
   */
  private visiblePointer(key: string): Pointer | undefined {
    const inFlight = this.committer.oldestInFlight();
    return inFlight ? this.state.pointerBefore(key, inFlight) : this.state.pointer(key);
  }

  private async valueOf(key: string): Promise<Json | undefined> {
    const local = this.overlay.get(key)?.at(-1);
    if (local) return local.value;
    const pointer = this.visiblePointer(key);
    return pointer ? this.content.fetch(pointer, this.ctx.manifest.bucket) : undefined;
  }

  /** The current value when it is known without I/O. */
  private currentIfCached(key: string): { value: Json | undefined } | undefined {
    const local = this.overlay.get(key)?.at(-1);
    if (local) return { value: local.value };
    const pointer = this.visiblePointer(key);
    if (!pointer) return { value: undefined };
    const peeked = this.content.peek(pointer, this.ctx.manifest.bucket);
    return peeked.cached ? { value: peeked.value } : undefined;
  }

  private publish(keys: Iterable<string>): void {
    for (const key of keys) {
      if (!this.notifier.hasSubscribers(key)) continue;
      const current = this.currentIfCached(key);
      if (current) this.notifier.deliver(key, current.value);
      else void this.deliverWhenFetched(key);
    }
  }

  private async deliverWhenFetched(key: string): Promise<void> {
    const pointer = this.visiblePointer(key);
    if ((await this.valueForSubscribers(key)) === FETCH_FAILED) return;
    if (this.visiblePointer(key) === pointer) this.publish([key]);
  }

  /** Subscribers must not miss a value to a passing fault: fetching retries until it cannot succeed. */
  private async valueForSubscribers(key: string): Promise<Json | undefined | typeof FETCH_FAILED> {
    try {
      return await withRetry(this.ctx.env, () => this.valueOf(key), PERSISTENT_RETRY, () => !this.stopped);
    } catch (error) {
      this.ctx.log("error", `cannot fetch ${JSON.stringify(key)} for its subscribers: ${(error as Error).message}`);
      return FETCH_FAILED;
    }
  }

  // ---- sync ----

  private async doRefresh(): Promise<void> {
    await this.sync.run(async (log) => {
      await this.prefetch(log);
      this.apply(log);
    });
    this.maintenance.handle({ type: "synced" });
  }

  /** Fetches the content objects subscribers will need, so the log applies at once. */
  private async prefetch(log: NewLog): Promise<void> {
    const pointers: Pointer[] = [];
    const want = (key: string, pointer: Pointer | null) => {
      if (pointer && "object" in pointer && this.notifier.hasSubscribers(key)) pointers.push(pointer);
    };
    for (const [key, pointer] of log.checkpoint?.state ?? []) want(key, pointer);
    for (const entry of log.entries) for (const [key, pointer] of entry.ops) want(key, pointer);
    await Promise.all(pointers.map((pointer) => this.content.fetch(pointer, this.ctx.manifest.bucket)));
  }

  private apply(log: NewLog): void {
    const changed = new Set<string>();
    if (log.checkpoint) {
      this.ctx.log("debug", `path: checkpoint loaded ${this.state.watermark < 0 ? "cold" : "warm"}`);
      for (const key of this.state.loadCheckpoint(log.checkpoint)) changed.add(key);
      this.maintenance.handle({ type: "checkpointLoaded", ts: log.checkpoint.ts });
    }
    for (const entry of log.entries) for (const key of this.state.apply(entry)) changed.add(key);
    // An entry in flight must stay unfolded-over, so that what is ordered after it can be held back.
    const inFlight = this.committer.oldestInFlight();
    this.state.fold(inFlight ? Math.min(log.settledTs, inFlight.ts - 1) : log.settledTs);
    this.synced = true;
    this.publish(changed);
  }

  // ---- polling ----

  private startPolling(): void {
    if (this.pollTimer !== undefined || this.stopped) return;
    this.pollTimer = this.ctx.env.setTimeout(() => void this.poll(), this.options.pollFrequencyMs);
  }

  private async poll(): Promise<void> {
    try {
      await this.refresh(false);
    } catch (error) {
      this.ctx.log("warn", `poll failed: ${(error as Error).message}`);
      if (!isRetryable(error)) this.notifier.fail(error as Error);
      await sleep(this.ctx.env, this.options.pollFrequencyMs);
    }
    this.pollTimer = undefined;
    if (this.notifier.subscriberCount > 0) this.startPolling();
  }

  private stopPolling(): void {
    if (this.pollTimer === undefined) return;
    this.ctx.env.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error("this MPS3 client has been shut down");
  }
}
