/**
 * How long log objects are kept, and what a writer may conclude from not
 * finding its own entry.
 *
 * A writer whose log PUT failed ambiguously (lost answer, timeout, 500) looks
 * for the entry once it can no longer land validly. Absent means "never
 * landed" only if nobody can have deleted it yet. Autoclean therefore keeps
 * every log object for at least `retentionMs` (bounds.ts) of store time after its
 * timestamp, judged by the Date of the cleaner's own listing (the deletes are
 * sent after it), and a look-up's "absent" counts only if the store answered
 * it (by its Date) before that horizon could have passed for the entry.
 */
import { retentionMs, type TimingBounds } from "./bounds.ts";
import { entryValidity } from "./validity.ts";

/** The Date header is whole seconds: the true time lies in [Date, Date + this). */
export const DATE_PRECISION_MS = 1_000;

/**
 * Autoclean may delete log objects with ts below this: older than the
 * cleaner's previous checkpoint (two newer checkpoints cover them) and past
 * the horizon by the store's clock when its listing was answered.
 */
export function cleanableBefore(previousCheckpointTs: number, listDateMs: number, bounds: TimingBounds): number {
  return Math.min(previousCheckpointTs, listDateMs - retentionMs(bounds));
}

export type LookUpVerdict =
  | { outcome: "valid" }
  | { outcome: "not counted"; reason: string }
  | { outcome: "unknown"; reason: string };

/**
 * What a look-up (a listing of the entry's own key, answered at store time
 * `listDateMs`) says about an entry of timestamp `ts` whose PUT's outcome was
 * not known. `found` is its listed LastModified, if it was listed.
 * `checkStale` is false only in the noStaleCheck mutant.
 */
export function judgeLookUp(
  ts: number,
  found: { lastModified: number } | undefined,
  listDateMs: number,
  bounds: TimingBounds,
  checkStale = true,
): LookUpVerdict {
  if (found) {
    const validity = entryValidity(ts, found.lastModified, bounds, checkStale);
    return validity.valid ? { outcome: "valid" } : { outcome: "not counted", reason: `it is invalid: ${validity.reason}` };
  }
  if (listDateMs + DATE_PRECISION_MS + bounds.marginMs < ts + retentionMs(bounds)) {
    return { outcome: "not counted", reason: "it never landed" };
  }
  return {
    outcome: "unknown",
    reason: `it was not found, but the look-up came ${listDateMs - ts} ms after its timestamp, when autoclean may already have deleted it`,
  };
}
