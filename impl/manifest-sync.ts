import type { TimingBounds } from "../protocol/bounds.ts";
import { decodeCheckpoint, decodeEntry, type Checkpoint, type Entry } from "../protocol/entry-codec.ts";
import { logPrefix, parseLogKey } from "../protocol/log-keys.ts";
import { ListingJudge, listingStartAfter, settledBefore, type CheckpointRef, type EntryRef, type ListingResult } from "../protocol/log-listing.ts";
import { NOTHING_FOLDED, type ManifestState } from "../protocol/manifest-state.ts";
import { compareOrder, type Order } from "../protocol/order.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { withRetry } from "./retry.ts";

export interface NewLog {
  checkpoint: Checkpoint | undefined;
  entries: Entry[];
  /** Every valid entry at or below this timestamp has been seen. */
  settledTs: number;
}

const MAX_PAGES = 10_000;
/** Planted or corrupt checkpoints skipped in one sync before it gives up until the next. */
const MAX_UNREADABLE_CHECKPOINTS = 8;
const FETCH_CONCURRENCY = 8;

/**
 * The I/O half of the sync machine: marker poll, listing, fetching bodies.
 * It never changes the state; the replica applies what it returns at once.
 */
export class ManifestSync {
  private markerEtag: string | undefined;
  /** Log objects rejected once, by key, with their ts (forgotten once settled). */
  private readonly rejected = new Map<string, number>();
  /** After a log object vanished mid-sync: start over from a checkpoint. */
  private restartCold = false;

  constructor(
    private readonly ctx: ManifestContext,
    private readonly state: ManifestState,
  ) {}

  /**
   * Reads the marker, which writers rewrite after each entry. `changed` is
   * false when it is as it was at the last `accept`ed sync.
   */
  async pollMarker(): Promise<{ changed: boolean; etag: string | undefined }> {
    const { bucket, key } = this.ctx.manifest;
    const ifNoneMatch = this.markerEtag;
    const response = await withRetry(this.ctx.env, () =>
      this.ctx.storage.getObject({ bucket, key, ...(ifNoneMatch ? { ifNoneMatch } : {}) }),
    );
    const etag = response.status === 200 ? response.etag : response.status === 304 ? this.markerEtag : undefined;
    return { changed: etag !== this.markerEtag, etag };
  }

  /** The sync that read this marker ETag before listing has been applied. */
  accept(markerEtag: string | undefined): void {
    this.markerEtag = markerEtag;
  }

  async fetchNew(): Promise<NewLog> {
    for (let attempt = 1; ; attempt++) {
      const listed = await this.list();
      const [checkpoint, entries] = await Promise.all([
        listed.checkpoint ? this.fetchCheckpoint(listed.checkpoint) : undefined,
        this.fetchEntries(listed.entries),
      ]);
      if (listed.checkpoint && !checkpoint && attempt < MAX_UNREADABLE_CHECKPOINTS) continue;
      if (listed.checkpoint && !checkpoint) throw new Error(`${attempt} checkpoints in a row were unreadable; listing again later`);
      this.forgetSettled(listed.settledTs);
      return { checkpoint, entries, settledTs: listed.settledTs };
    }
  }

  private async list(): Promise<ListingResult & { settledTs: number }> {
    const { bucket, key: manifest } = this.ctx.manifest;
    const known = {
      ...(this.restartCold ? { watermark: NOTHING_FOLDED, knows: () => false } : { watermark: this.state.watermark, knows: (order: Order) => this.state.knows(order) }),
      skips: (key: string) => this.rejected.has(key),
    };
    const judge = new ListingJudge(manifest, known, this.ctx.bounds, !this.ctx.mutations.noStaleCheck);
    let listDate: number | undefined;
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await withRetry(this.ctx.env, () =>
        this.ctx.storage.listObjects({
          bucket,
          prefix: logPrefix(manifest),
          ...(continuationToken
            ? { continuationToken }
            : { startAfter: listingStartAfter(manifest, this.ctx.clock.now(), this.ctx.bounds) }),
        }),
      );
      listDate ??= response.date ?? this.ctx.clock.now() - this.ctx.bounds.staleMs;
      this.warnRejected(judge.page(response.contents).rejected);
      if (judge.complete || !response.isTruncated) {
        const result = judge.result();
        const usable = result.checkpoint && result.checkpoint.ts > this.state.watermark ? result.checkpoint : undefined;
        const entries = usable ? result.entries : result.entries.filter((entry) => !this.state.knows(entry));
        return { entries, checkpoint: usable, settledTs: settledBefore(listDate, this.replayBounds()) };
      }
      continuationToken = response.nextContinuationToken;
    }
    throw new Error(`log of ${manifest} exceeds ${MAX_PAGES} pages`);
  }

  private replayBounds(): TimingBounds {
    const { bounds, mutations } = this.ctx;
    return mutations.shortReplayWindow ? { staleMs: Math.ceil(bounds.staleMs / 4), marginMs: 0 } : bounds;
  }

  private async fetchEntries(refs: EntryRef[]): Promise<Entry[]> {
    const bodies = await mapBounded(refs, FETCH_CONCURRENCY, (ref) => this.fetchBody(ref.key));
    const entries: Entry[] = [];
    refs.forEach((ref, index) => {
      const decoded = decodeEntry(bodies[index]!);
      const reason = !decoded.ok
        ? decoded.reason
        : decoded.value.ts !== ref.ts || decoded.value.session !== ref.session || decoded.value.seq !== ref.seq
          ? "body does not match its key"
          : undefined;
      if (reason !== undefined) this.reject(ref.key, ref.ts, reason);
      else if (decoded.ok) entries.push(decoded.value);
    });
    return entries.sort(compareOrder);
  }

  /** The checkpoint, or undefined when it is unreadable: it is then skipped from now on. */
  private async fetchCheckpoint(ref: CheckpointRef): Promise<Checkpoint | undefined> {
    const decoded = decodeCheckpoint(await this.fetchBody(ref.key));
    if (decoded.ok && decoded.value.ts === ref.ts) return decoded.value;
    this.reject(ref.key, ref.ts, decoded.ok ? "body does not match its key" : decoded.reason);
    return undefined;
  }

  private async fetchBody(key: string): Promise<string> {
    const { bucket } = this.ctx.manifest;
    const response = await withRetry(this.ctx.env, () => this.ctx.storage.getObject({ bucket, key }));
    if (response.status === 200) return response.body;
    this.restartCold = true;
    this.ctx.log("debug", "path: sync starts over from a checkpoint");
    throw new Error(`log object ${key} vanished (${response.status}); starting over from a checkpoint`);
  }

  private reject(key: string, ts: number, reason: string): void {
    this.warnRejected([{ key, reason }]);
    this.rejected.set(key, ts);
  }

  private warnRejected(rejected: Array<{ key: string; reason: string }>): void {
    for (const { key, reason } of rejected) {
      if (this.rejected.has(key)) continue;
      this.rejected.set(key, parseLogKey(this.ctx.manifest.key, key)?.ts ?? Infinity);
      this.ctx.log("warn", `skipping log object ${JSON.stringify(key)}: ${reason}`);
    }
  }

  private forgetSettled(settledTs: number): void {
    this.restartCold = false;
    for (const [key, ts] of this.rejected) if (ts <= settledTs) this.rejected.delete(key);
  }
}

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
