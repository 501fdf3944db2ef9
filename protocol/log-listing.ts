/**
 * The sync machine's decisions about a listing of the log: which entries to
 * fetch, which checkpoint to start from, what to reject, and when to stop
 * paging. Pages arrive newest first.
 */
import { lagMs, type TimingBounds } from "./bounds.ts";
import { parseLogKey, startAfterForNewest } from "./log-keys.ts";
import type { Order } from "./order.ts";
import type { ListedObject } from "./storage-vocabulary.ts";
import { checkpointValidity, entryValidity } from "./validity.ts";

export interface EntryRef extends Order {
  key: string;
  lastModified: number;
}

export interface CheckpointRef {
  key: string;
  ts: number;
}

export interface PageVerdict {
  rejected: Array<{ key: string; reason: string }>;
  /** Nothing older than this page can matter: stop paging. */
  complete: boolean;
}

export interface ListingResult {
  /** Valid entries not known yet, newer than the first candidate when there is one. */
  entries: EntryRef[];
  /**
   * Empty when the entries alone are complete; otherwise the checkpoint to
   * load first and the next older valid ones, newest first, as many as were
   * asked for: where to fall back if it does not decode.
   */
  candidates: CheckpointRef[];
}

export interface KnownLog {
  /** NOTHING_FOLDED (-1) on a cold start. */
  watermark: number;
  knows(order: Order): boolean;
  /** A log object already found unusable (its body, not its key): never chosen again. */
  skips(key: string): boolean;
}

/**
 * Judges a listing of the log, page by page, newest first.
 *
 * A cold replica starts from the newest valid checkpoint. A warm one (its
 * state complete up to its watermark W) needs every valid entry above W, and
 * they are all there unless autoclean deleted some: autoclean deletes only
 * what is older than the second-newest checkpoint a cleaner knows, and a
 * checkpoint goes only once two newer ones exist, so where an object above W
 * is gone, the listing shows two valid checkpoints above W. A warm listing
 * that reaches W first is complete without any checkpoint; one that meets a
 * second checkpoint above W (or runs out) starts from the newest checkpoint
 * it saw instead. Asked for more than one candidate checkpoint, a listing
 * that needs one goes on until it has seen that many.
 */
export class ListingJudge {
  private readonly entries: EntryRef[] = [];
  private readonly checkpoints: CheckpointRef[] = [];
  private needsCheckpoint = false;
  private reachedWatermark = false;
  private done = false;

  /** `checkStale` is false only in the noStaleCheck mutant (rules.ts). */
  constructor(
    private readonly manifest: string,
    private readonly known: KnownLog,
    private readonly bounds: TimingBounds,
    private readonly checkStale = true,
    private readonly candidatesWanted = 1,
  ) {}

  get complete(): boolean {
    return this.done;
  }

  page(objects: readonly ListedObject[]): PageVerdict {
    if (this.done) throw new Error("ListingJudge: a page after the listing was complete");
    const rejected: PageVerdict["rejected"] = [];
    for (const object of objects) {
      if (this.known.skips(object.key)) continue;
      const parsed = parseLogKey(this.manifest, object.key);
      if (!parsed) {
        rejected.push({ key: object.key, reason: "not a log entry or checkpoint key" });
        continue;
      }
      if (parsed.ts <= this.known.watermark) {
        this.reachedWatermark = true;
        this.done = true;
        break;
      }
      const validity =
        parsed.kind === "checkpoint"
          ? checkpointValidity(parsed.ts, object.lastModified, this.bounds)
          : entryValidity(parsed.ts, object.lastModified, this.bounds, this.checkStale);
      if (!validity.valid) rejected.push({ key: object.key, reason: validity.reason });
      else if (parsed.kind === "entry") {
        if (!this.known.knows(parsed)) this.entries.push({ ...parsed, key: object.key, lastModified: object.lastModified });
      } else {
        this.checkpoints.push({ key: object.key, ts: parsed.ts });
        this.needsCheckpoint ||= this.known.watermark < 0 || this.checkpoints.length >= 2;
        this.done = this.needsCheckpoint && this.checkpoints.length >= this.candidatesWanted;
      }
      if (this.done) break;
    }
    return { rejected, complete: this.done };
  }

  /** What to fetch, once the listing is complete or has run out. */
  result(): ListingResult {
    const candidates = this.reachedWatermark && !this.needsCheckpoint ? [] : this.checkpoints.slice(0, this.candidatesWanted);
    const newest = candidates[0];
    const entries = newest ? this.entries.filter((entry) => entry.ts > newest.ts) : [...this.entries];
    return { entries, candidates };
  }
}

/** Where a listing starts: entries further ahead than the bound are invalid anyway. */
export function listingStartAfter(manifest: string, storeNowMs: number, bounds: TimingBounds): string {
  return startAfterForNewest(manifest, storeNowMs + lagMs(bounds));
}

/**
 * After a complete listing whose first page the store answered at
 * `listDateMs`, every valid entry with ts at or below this has been seen.
 */
export function settledBefore(listDateMs: number, bounds: TimingBounds): number {
  return listDateMs - lagMs(bounds);
}
