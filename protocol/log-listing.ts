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
  entries: EntryRef[];
  checkpoint: CheckpointRef | undefined;
  rejected: Array<{ key: string; reason: string }>;
  /** Nothing older than this page can matter: stop paging. */
  complete: boolean;
}

export interface KnownLog {
  /** NOTHING_FOLDED (-1) on a cold start. */
  watermark: number;
  knows(order: Order): boolean;
}

/** `checkStale` is false only in the noStaleCheck mutant (see mutations.ts). */
export function judgeLogPage(
  manifest: string,
  page: readonly ListedObject[],
  known: KnownLog,
  bounds: TimingBounds,
  checkStale = true,
): PageVerdict {
  const verdict: PageVerdict = { entries: [], checkpoint: undefined, rejected: [], complete: false };
  const cold = known.watermark < 0;
  for (const object of page) {
    const parsed = parseLogKey(manifest, object.key);
    if (!parsed) {
      verdict.rejected.push({ key: object.key, reason: "not a log entry or checkpoint key" });
      continue;
    }
    if (parsed.ts <= known.watermark) {
      verdict.complete = true;
      break;
    }
    if (parsed.kind === "checkpoint") {
      if (!cold) continue;
      const validity = checkpointValidity(parsed.ts, object.lastModified, bounds);
      if (!validity.valid) {
        verdict.rejected.push({ key: object.key, reason: validity.reason });
        continue;
      }
      verdict.checkpoint = { key: object.key, ts: parsed.ts };
      verdict.complete = true;
      break;
    }
    const validity = entryValidity(parsed.ts, object.lastModified, bounds, checkStale);
    if (!validity.valid) verdict.rejected.push({ key: object.key, reason: validity.reason });
    else if (!known.knows(parsed)) verdict.entries.push({ ...parsed, key: object.key, lastModified: object.lastModified });
  }
  return verdict;
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
