/**
 * Object keys of a manifest's log in the bucket.
 *
 *   <manifest>                          the change marker (polled with If-None-Match)
 *   <manifest>@<desc ts>_<session>_<seq> a log entry
 *   <manifest>@<desc ts>.cp             a checkpoint: the state as of ts
 *
 * `desc ts` is (MAX_TS - ts) in fixed-width decimal, so ListObjectsV2, which
 * lists in ascending key order only, returns the newest entries first. At one
 * timestamp a checkpoint sorts before the entries ('.' < '_'), i.e. it lists
 * as newer than them: it already contains them.
 */

export const TS_DIGITS = 13;
export const MAX_TS = 10 ** TS_DIGITS - 1;
const SEQ_DIGITS = 6;
export const MAX_SEQ = 36 ** SEQ_DIGITS - 1;

const SESSION_PATTERN = /^[0-9a-z]{4,32}$/;
const ENTRY_SUFFIX = /^(\d{13})_([0-9a-z]{4,32})_([0-9a-z]{6})$/;
const CHECKPOINT_SUFFIX = /^(\d{13})\.cp$/;

export type LogKey =
  | { kind: "entry"; ts: number; session: string; seq: number }
  | { kind: "checkpoint"; ts: number };

export function assertTimestamp(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TS) {
    throw new RangeError(`timestamp out of range: ${ts}`);
  }
}

export function isSessionId(session: string): boolean {
  return SESSION_PATTERN.test(session);
}

export function encodeDescTs(ts: number): string {
  assertTimestamp(ts);
  return String(MAX_TS - ts).padStart(TS_DIGITS, "0");
}

export function decodeDescTs(text: string): number {
  if (!/^\d{13}$/.test(text)) throw new RangeError(`not a descending timestamp: ${text}`);
  return MAX_TS - Number(text);
}

export function logPrefix(manifest: string): string {
  return `${manifest}@`;
}

export function entryKey(manifest: string, ts: number, session: string, seq: number): string {
  if (!isSessionId(session)) throw new RangeError(`bad session id: ${session}`);
  if (!Number.isSafeInteger(seq) || seq < 0 || seq > MAX_SEQ) throw new RangeError(`bad seq: ${seq}`);
  const seqText = seq.toString(36).padStart(SEQ_DIGITS, "0");
  return `${logPrefix(manifest)}${encodeDescTs(ts)}_${session}_${seqText}`;
}

export function checkpointKey(manifest: string, ts: number): string {
  return `${logPrefix(manifest)}${encodeDescTs(ts)}.cp`;
}

/** ListObjectsV2 StartAfter that skips every log key newer than `ts`. */
export function startAfterForNewest(manifest: string, ts: number): string {
  return `${logPrefix(manifest)}${encodeDescTs(Math.min(ts, MAX_TS))}`;
}

export function parseLogKey(manifest: string, objectKey: string): LogKey | undefined {
  const prefix = logPrefix(manifest);
  if (!objectKey.startsWith(prefix)) return undefined;
  const suffix = objectKey.slice(prefix.length);
  const entry = ENTRY_SUFFIX.exec(suffix);
  if (entry) {
    return {
      kind: "entry",
      ts: decodeDescTs(entry[1]!),
      session: entry[2]!,
      seq: parseInt(entry[3]!, 36),
    };
  }
  const checkpoint = CHECKPOINT_SUFFIX.exec(suffix);
  if (checkpoint) return { kind: "checkpoint", ts: decodeDescTs(checkpoint[1]!) };
  return undefined;
}

/** A content object's key where the bucket has no versioning: immutable, never overwritten. */
export function contentKey(key: string, uniqueId: string): string {
  return `${key}@${uniqueId}`;
}
