import { encodeEntry, MAX_ENTRY_BYTES, type Op } from "../protocol/entry-codec.ts";
import { CommitQueue, type Batch } from "../protocol/commit-queue.ts";
import { entryKey } from "../protocol/log-keys.ts";
import type { ManifestState } from "../protocol/manifest-state.ts";
import { entryValidity } from "../protocol/validity.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { backoffMs, sleep, withRetry, PERSISTENT_RETRY } from "./retry.ts";
import { StorageError, type PutResponse } from "./storage.ts";

export interface CommitHooks {
  acked(batch: Batch): void;
  failed(writeIds: number[], error: Error): void;
  /** A PUT attempt failed; the writes are still being committed. */
  attemptFailed(writeIds: number[]): void;
  /** The entry has left the queue's in-flight set (acknowledged, queued again or abandoned). */
  landed(batch: Batch): void;
}

type Outcome = "valid" | "not counted";

const DATE_PRECISION_MS = 1_000;

/**
 * Drives the commit queue: PUTs one log entry at a time, acknowledges it only
 * once it is known valid (the same verdict every reader will reach), and
 * re-commits under a fresh id when it is known not to count. An ambiguous
 * failure is resolved by waiting until the entry could no longer land validly
 * and then looking: never by blind re-PUT, which could duplicate a write.
 */
export class Committer {
  readonly queue: CommitQueue;
  private pumping: Promise<void> | undefined;
  /** Set when the queue changed during a drain, which must then look again. */
  private changed = false;
  /** Wakes a drain waiting on its commits when the queue changes. */
  private wake: (() => void) | undefined;
  private readonly markerWrites = new Set<Promise<void>>();
  private rejections = 0;

  constructor(
    private readonly ctx: ManifestContext,
    private readonly state: ManifestState,
    session: string,
    private readonly hooks: CommitHooks,
  ) {
    this.queue = new CommitQueue(session, ctx.mutations);
  }

  submit(id: number, ops: Op[] | undefined, bytes: number): void {
    this.queue.enqueue(id, ops, bytes);
    this.pump();
  }

  ready(id: number, ops: Op[]): void {
    this.queue.markReady(id, ops);
    this.pump();
  }

  drop(id: number): void {
    this.queue.remove(id);
    this.pump();
  }

  /** Resolves once nothing is queued or in flight, markers included. */
  async idle(): Promise<void> {
    while (this.pumping || this.markerWrites.size > 0) await Promise.all([this.pumping, ...this.markerWrites]);
  }

  private pump(): void {
    this.changed = true;
    this.wake?.();
    if (this.pumping) return;
    this.changed = false;
    this.pumping = this.drain().finally(() => {
      this.pumping = undefined;
      if (this.changed) this.pump();
    });
  }

  /** Commits batches, as many at once as the queue allows in flight, until none is ready. */
  private async drain(): Promise<void> {
    const running = new Set<Promise<void>>();
    for (;;) {
      for (let batch = this.nextBatch(); batch; batch = this.nextBatch()) {
        const settled: Promise<void> = this.settle(batch).finally(() => running.delete(settled));
        running.add(settled);
      }
      if (running.size === 0) return;
      await Promise.race([...running, new Promise<void>((resolve) => (this.wake = resolve))]);
      this.wake = undefined;
    }
  }

  private nextBatch(): Batch | undefined {
    return this.queue.next(this.ctx.clock.now(), this.state.maxTs, MAX_ENTRY_BYTES / 2);
  }

  private async settle(batch: Batch): Promise<void> {
    const outcome = await this.commit(batch);
    if (outcome === "valid") {
      this.rejections = 0;
      this.hooks.acked(this.queue.acked(batch));
      this.touchMarker(batch);
    } else if (outcome === "not counted") this.queue.rejected(batch);
    this.hooks.landed(batch);
    if (outcome === "not counted") await sleep(this.ctx.env, backoffMs(this.ctx.env, this.rejections++, PERSISTENT_RETRY));
  }

  /** The outcome, or undefined when the writes failed for good. */
  private async commit(batch: Batch): Promise<Outcome | undefined> {
    const { entry } = batch;
    const key = entryKey(this.ctx.manifest.key, entry.ts, entry.session, entry.seq);
    let response: PutResponse;
    try {
      response = await this.ctx.storage.putObject({
        bucket: this.ctx.manifest.bucket,
        key,
        body: encodeEntry(entry),
        contentType: "application/json",
      });
    } catch (error) {
      if (error instanceof StorageError && !error.ambiguous && !error.retryable) {
        this.queue.abandoned(batch);
        this.hooks.failed(batch.writeIds, error);
        return undefined;
      }
      this.hooks.attemptFailed(batch.writeIds);
      if (error instanceof StorageError && !error.ambiguous) {
        this.ctx.log("warn", `log PUT ${key} was refused (${error.message}); committing again`);
        return "not counted";
      }
      this.ctx.log("warn", `log PUT ${key} failed (${(error as Error).message}); resolving its outcome`);
      return this.resolveAmbiguous(key, entry.ts);
    }
    if (response.status !== 200) {
      this.ctx.log("warn", `log PUT ${key} answered ${response.status}; resolving its outcome`);
      return this.resolveAmbiguous(key, entry.ts);
    }
    return this.surelyValid(entry.ts, response.date) ? "valid" : this.lookUp(key, entry.ts);
  }

  /**
   * LastModified lies within [Date - margin, Date + precision) of the PUT's
   * response; when every such value is valid, so is the entry.
   */
  private surelyValid(ts: number, date: number | undefined): boolean {
    if (this.ctx.mutations.noStaleCheck) return true;
    if (date === undefined) return false;
    const { staleMs, marginMs } = this.ctx.bounds;
    return date + DATE_PRECISION_MS - ts <= staleMs && ts - (date - marginMs) <= staleMs;
  }

  private async resolveAmbiguous(key: string, ts: number): Promise<Outcome> {
    const settledAt = ts + this.ctx.bounds.staleMs + this.ctx.bounds.marginMs;
    while (this.ctx.clock.now() < settledAt) await sleep(this.ctx.env, settledAt - this.ctx.clock.now());
    return this.lookUp(key, ts);
  }

  private async lookUp(key: string, ts: number): Promise<Outcome> {
    const listing = await withRetry(
      this.ctx.env,
      () => this.ctx.storage.listObjects({ bucket: this.ctx.manifest.bucket, prefix: key, maxKeys: 1 }),
      PERSISTENT_RETRY,
    );
    const found = listing.contents.find((object) => object.key === key);
    if (!found) return "not counted";
    const validity = entryValidity(ts, found.lastModified, this.ctx.bounds, !this.ctx.mutations.noStaleCheck);
    if (!validity.valid) this.ctx.log("warn", `own entry ${key} is invalid (${validity.reason}); committing again`);
    return validity.valid ? "valid" : "not counted";
  }

  private touchMarker(batch: Batch): void {
    const key = entryKey(this.ctx.manifest.key, batch.entry.ts, batch.entry.session, batch.entry.seq);
    const { bucket, key: marker } = this.ctx.manifest;
    const written: Promise<void> = withRetry(this.ctx.env, () =>
      this.ctx.storage.putObject({ bucket, key: marker, body: key, contentType: "text/plain" }),
    )
      .then(
        () => undefined,
        (error: Error) => this.ctx.log("warn", `marker PUT failed: ${error.message}`),
      )
      .finally(() => this.markerWrites.delete(written));
    this.markerWrites.add(written);
  }
}
