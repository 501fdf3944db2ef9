/**
 * The timing assumptions the timelog protocol rests on. Every reader and
 * writer of one manifest must use the same values: entry validity is judged
 * with them, and validity must come out the same for everybody.
 */
export interface TimingBounds {
  /**
   * B: the largest accepted distance between an entry's timestamp and the
   * LastModified the store gave it, either way. A later-landing entry, or
   * one from a clock that ran ahead by more, is invalid for every reader.
   */
  staleMs: number;
  /**
   * Slack for what the store's clock readings cannot tell us exactly: the
   * whole-second Date header, the time between LastModified and visibility
   * in listings, and request processing.
   */
  marginMs: number;
  /**
   * How long, in store time after its timestamp, every log object is kept
   * before autoclean may delete it: a writer that could not tell whether its
   * entry landed trusts a look-up that does not find it only within this
   * long (protocol/log-retention.ts). Default 10 minutes.
   */
  retentionMs?: number;
}

export const DEFAULT_BOUNDS: TimingBounds = { staleMs: 10_000, marginMs: 2_000 };

export const DEFAULT_RETENTION_MS = 10 * 60_000;

export function retentionMs(bounds: TimingBounds): number {
  return bounds.retentionMs ?? DEFAULT_RETENTION_MS;
}

/**
 * How far back from the store's "now" an entry might still appear in a
 * listing. Entries older than `now - lag` are settled: no valid entry with
 * such a timestamp can land any more.
 */
export function lagMs(bounds: TimingBounds): number {
  return bounds.staleMs + bounds.marginMs;
}

export function assertBounds(bounds: TimingBounds): void {
  if (!(Number.isSafeInteger(bounds.staleMs) && bounds.staleMs > 0)) {
    throw new RangeError(`staleMs must be a positive integer, got ${bounds.staleMs}`);
  }
  if (!(Number.isSafeInteger(bounds.marginMs) && bounds.marginMs >= 0)) {
    throw new RangeError(`marginMs must be a non-negative integer, got ${bounds.marginMs}`);
  }
  const retention = retentionMs(bounds);
  if (!(Number.isSafeInteger(retention) && retention >= 2 * lagMs(bounds))) {
    throw new RangeError(`retentionMs must be an integer of at least twice staleMs + marginMs, got ${retention}`);
  }
}
