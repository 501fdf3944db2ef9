import { encodeEntry, MAX_ENTRY_OPS_BYTES, type Op } from "../protocol/entry-codec.ts";
import { CommitQueue, type Batch } from "../protocol/commit-queue.ts";
import { entryKey } from "../protocol/log-keys.ts";
import type { ManifestState } from "../protocol/manifest-state.ts";
import { lagMs } from "../protocol/bounds.ts";
import { DATE_PRECISION_MS, judgeLookUp } from "../protocol/log-retention.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { backoffMs, isRetryable, sleep, withRetry, PERSISTENT_RETRY } from "./retry.ts";
import { StorageError, type ListResponse, type PutResponse } from "./storage.ts";
import { WriteError } from "./write-errors.ts";

export interface CommitHooks {
  acked(batch: Batch): void;
  failed(writeIds: number[], error: Error): void;
  /** A PUT attempt failed; the writes are still being committed. */
  attemptFailed(writeIds: number[]): void;
  /** The entry has left the queue's in-flight set (acknowledged, queued again or abandoned). */
  landed(batch: Batch): void;
}

type Outcome = { outcome: "valid" } | { outcome: "not counted"; reason: string } | { outcome: "failed"; error: WriteError };

/**
 * Drives the commit queue: PUTs one log entry at a time, acknowledges it only
 * once it is known valid (the same verdict every reader will reach), and
 * re-commits under a fresh id when it is known not to count. An ambiguous
 * failure is resolved by waiting until the entry could no longer land validly
 * and then looking: never by blind re-PUT, which could duplicate a write.
 *
 * Every write has a deadline, `writeTimeoutMs` after it was submitted: a
 * write known not to count is committed again only before it; after it the
 * write fails, and a look-up that cannot be answered by then leaves the
 * write's outcome unknown. Errors that retrying cannot cure fail it at once.
 */
export class Committer {
  readonly queue: CommitQueue;
  private pumping: Promise<void> | undefined;
  /** Set when the queue changed during a drain, which must then look again. */
  private changed = false;
  /** Wakes a drain waiting on its commits when the queue changes. */
  private wake: (() => void) | undefined;
  private readonly markerWrites = new Set<Promise<void>>();
  private readonly deadlines = new Map<number, number>();
  private rejections = 0;

  constructor(
    private readonly ctx: ManifestContext,
    private readonly state: ManifestState,
    session: string,
    private readonly hooks: CommitHooks,
    private readonly writeTimeoutMs: number,
  ) {
    this.queue = new CommitQueue(session, ctx.mutations);
  }

  submit(id: number, ops: Op[] | undefined, bytes: number): void {
    this.deadlines.set(id, this.ctx.env.now() + this.writeTimeoutMs);
    this.queue.enqueue(id, ops, bytes);
    this.pump();
  }

  ready(id: number, ops: Op[]): void {
    this.queue.markReady(id, ops);
    this.pump();
  }

  drop(id: number): void {
    this.deadlines.delete(id);
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
    return this.queue.next(this.ctx.clock.now(), this.state.maxTs, MAX_ENTRY_OPS_BYTES);
  }

  private async settle(batch: Batch): Promise<void> {
    const result = await this.commit(batch);
    if (result.outcome === "valid") {
      this.rejections = 0;
      this.forget(batch);
      this.hooks.acked(this.queue.acked(batch));
      this.touchMarker(batch);
    } else if (result.outcome === "failed") {
      this.queue.abandoned(batch);
      this.forget(batch);
      this.hooks.failed(batch.writeIds, result.error);
    } else if (this.pastDeadline(batch)) {
      this.queue.abandoned(batch);
      this.forget(batch);
      this.hooks.failed(batch.writeIds, new WriteError(`write not committed within ${this.writeTimeoutMs} ms: ${result.reason}`, "not written"));
    } else this.queue.rejected(batch);
    this.hooks.landed(batch);
    if (result.outcome === "not counted") await sleep(this.ctx.env, backoffMs(this.ctx.env, this.rejections++, PERSISTENT_RETRY));
  }

  private pastDeadline(batch: Batch): boolean {
    const now = this.ctx.env.now();
    return batch.writeIds.some((id) => now >= (this.deadlines.get(id) ?? -Infinity));
  }

  private forget(batch: Batch): void {
    for (const id of batch.writeIds) this.deadlines.delete(id);
  }

  private async commit(batch: Batch): Promise<Outcome> {
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
      if (!(error instanceof StorageError) || (!error.ambiguous && !error.retryable)) {
        return { outcome: "failed", error: new WriteError(`write not committed: ${(error as Error).message}`, "not written", { cause: error }) };
      }
      this.hooks.attemptFailed(batch.writeIds);
      if (!error.ambiguous) {
        this.ctx.log("warn", `log PUT ${key} was refused (${error.message}); committing again`);
        return { outcome: "not counted", reason: `the store refused it (${error.message})` };
      }
      this.ctx.log("warn", `log PUT ${key} failed (${error.message}); resolving its outcome`);
      return this.resolveAmbiguous(batch, key);
    }
    if (response.status !== 200) {
      this.ctx.log("warn", `log PUT ${key} answered ${response.status}; resolving its outcome`);
      return this.resolveAmbiguous(batch, key);
    }
    return this.surelyValid(entry.ts, response.date) ? { outcome: "valid" } : this.lookUp(batch, key);
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

  private async resolveAmbiguous(batch: Batch, key: string): Promise<Outcome> {
    const settledAt = batch.entry.ts + lagMs(this.ctx.bounds);
    while (this.ctx.clock.now() < settledAt) await sleep(this.ctx.env, settledAt - this.ctx.clock.now());
    this.ctx.log("debug", "path: late look-up of an ambiguous log PUT");
    return this.lookUp(batch, key);
  }

  /** Lists the entry's own key, retrying until the writes' deadline. */
  private async lookUp(batch: Batch, key: string): Promise<Outcome> {
    const { bucket } = this.ctx.manifest;
    for (let attempt = 0; ; attempt++) {
      let listing: ListResponse;
      try {
        listing = await this.ctx.storage.listObjects({ bucket, prefix: key, maxKeys: 1 });
      } catch (error) {
        if (isRetryable(error) && !this.pastDeadline(batch)) {
          await sleep(this.ctx.env, backoffMs(this.ctx.env, attempt, PERSISTENT_RETRY));
          continue;
        }
        const reason = `its log PUT's answer was lost and looking for it failed (${(error as Error).message})`;
        return { outcome: "failed", error: new WriteError(`the write's outcome is unknown: ${reason}`, "unknown", { cause: error }) };
      }
      const found = listing.contents.find((object) => object.key === key);
      const listDate = listing.date ?? this.ctx.clock.now() + this.ctx.bounds.staleMs;
      const verdict = judgeLookUp(batch.entry.ts, found, listDate, this.ctx.bounds, !this.ctx.mutations.noStaleCheck);
      if (verdict.outcome === "valid") return verdict;
      if (verdict.outcome === "unknown") {
        return { outcome: "failed", error: new WriteError(`the write's outcome is unknown: ${verdict.reason}`, "unknown") };
      }
      if (found) this.ctx.log("warn", `own entry ${key} is invalid (${verdict.reason}); committing again`);
      return { outcome: "not counted", reason: found ? `${verdict.reason}; is this machine's clock (or clockOffset) off?` : verdict.reason };
    }
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
