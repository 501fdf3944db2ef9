/**
 * Validity of log objects, judged only from what the store says about them
 * (their timestamp and LastModified), so that every reader judges alike.
 */
import type { TimingBounds } from "./bounds.ts";

export type Validity = { valid: true } | { valid: false; reason: string };

const VALID: Validity = { valid: true };

/** `checkStale` is false only in the noStaleCheck mutant (rules.ts). */
export function entryValidity(ts: number, lastModified: number, bounds: TimingBounds, checkStale = true): Validity {
  if (!checkStale) return VALID;
  const lateBy = lastModified - ts;
  if (lateBy > bounds.staleMs) {
    return { valid: false, reason: `landed ${lateBy} ms after its timestamp (bound ${bounds.staleMs} ms)` };
  }
  if (-lateBy > bounds.staleMs) {
    return { valid: false, reason: `timestamp ${-lateBy} ms ahead of the store (bound ${bounds.staleMs} ms)` };
  }
  return VALID;
}

/**
 * A checkpoint at C may only be written once C is settled (C <= store now -
 * lag), so a valid one landed at least staleMs after C.
 */
export function checkpointValidity(ts: number, lastModified: number, bounds: TimingBounds): Validity {
  if (lastModified - ts < bounds.staleMs) {
    return { valid: false, reason: `written ${lastModified - ts} ms after its timestamp, before it settled` };
  }
  return VALID;
}
