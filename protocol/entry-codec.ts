/**
 * The bodies of log entries and checkpoints, with strict validation: a body
 * that is not exactly of this shape is rejected with a reason, never applied.
 *
 * Entry:      {"mps3":1,"ts":T,"session":S,"seq":N,"ops":[[key, pointer|null], ...]}
 * Checkpoint: {"mps3":1,"ts":T,"state":[[key, pointer], ...]}
 * Pointer:    {"value": <json>}                          the value inline
 *           | {"object": <key>, "bucket"?: <b>, "version"?: <id>}  a content object
 *
 * User keys are array elements, never property names, so any string is a key.
 */
import { isSessionId, assertTimestamp, MAX_SEQ } from "./log-keys.ts";
import { isPlainRecord, snapshotJson, utf8Length, type Json } from "./json-value.ts";

export const FORMAT_VERSION = 1;
export const MAX_ENTRY_BYTES = 8 * 1024 * 1024;
export const MAX_CHECKPOINT_BYTES = 512 * 1024 * 1024;
export const MAX_KEY_BYTES = 900;
/** Room for an entry's fields other than its ops (ts, session, seq and the JSON around them). */
export const ENTRY_ENVELOPE_BYTES = 256;
/** The most bytes an entry's ops may take, encoded, for the entry to stay within MAX_ENTRY_BYTES. */
export const MAX_ENTRY_OPS_BYTES = MAX_ENTRY_BYTES - ENTRY_ENVELOPE_BYTES;

export type Pointer =
  | { value: Json }
  | { object: string; bucket?: string; version?: string };

export type Op = readonly [key: string, pointer: Pointer | null];

export interface Entry {
  ts: number;
  session: string;
  seq: number;
  ops: Op[];
}

export interface Checkpoint {
  ts: number;
  state: Array<readonly [string, Pointer]>;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return "a key must be a string";
  if (key.length === 0) return "a key must not be empty";
  if (utf8Length(key) > MAX_KEY_BYTES) return `a key must be at most ${MAX_KEY_BYTES} UTF-8 bytes`;
  if (!key.isWellFormed()) return "a key must be well-formed unicode";
  // Keys become S3 object names, which travel in URLs and XML listings: stores refuse or mangle these.
  if (/[\u0000-\u0008\u000a-\u001f\ufffe\uffff]/.test(key)) {
    return "a key must not contain a control character (U+0000 to U+001F other than tab) or U+FFFE/U+FFFF";
  }
  if (key.split("/").some((segment) => segment === "." || segment === "..")) {
    return 'a key must not have a "." or ".." path segment (URLs resolve them away)';
  }
  return undefined;
}

export function encodeEntry(entry: Entry): string {
  assertTimestamp(entry.ts);
  const body = JSON.stringify({ mps3: FORMAT_VERSION, ts: entry.ts, session: entry.session, seq: entry.seq, ops: entry.ops });
  if (utf8Length(body) > MAX_ENTRY_BYTES) throw new Error(`entry of ${utf8Length(body)} bytes exceeds ${MAX_ENTRY_BYTES}: the writer should have refused it`);
  return body;
}

/**
 * The most bytes an op of `key` takes in an entry: exact for an inline value
 * of `valueBytes` (its JSON) or a delete, an upper bound for a content
 * object's pointer, which is only known once it is stored.
 */
export function opBytesMax(key: string, value: { inlineBytes: number } | "content" | "delete", bucket: string): number {
  const keyBytes = utf8Length(JSON.stringify(key));
  if (value === "delete") return keyBytes + 8;
  if (value === "content") return 2 * keyBytes + utf8Length(JSON.stringify(bucket)) + 200;
  return keyBytes + value.inlineBytes + 14;
}

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  assertTimestamp(checkpoint.ts);
  return JSON.stringify({ mps3: FORMAT_VERSION, ts: checkpoint.ts, state: checkpoint.state });
}

export function decodeEntry(body: string): Decoded<Entry> {
  const parsed = parseEnvelope(body, MAX_ENTRY_BYTES, ["mps3", "ts", "session", "seq", "ops"]);
  if (!parsed.ok) return parsed;
  const { session, seq, ops } = parsed.value;
  if (typeof session !== "string" || !isSessionId(session)) return fail("session is not a session id");
  if (!Number.isSafeInteger(seq) || (seq as number) < 0 || (seq as number) > MAX_SEQ) return fail("seq is not a valid counter");
  const decodedOps = decodeOps(ops, true);
  if (!decodedOps.ok) return decodedOps;
  return { ok: true, value: { ts: parsed.value.ts as number, session, seq: seq as number, ops: decodedOps.value } };
}

export function decodeCheckpoint(body: string): Decoded<Checkpoint> {
  const parsed = parseEnvelope(body, MAX_CHECKPOINT_BYTES, ["mps3", "ts", "state"]);
  if (!parsed.ok) return parsed;
  const state = decodeOps(parsed.value.state, false);
  if (!state.ok) return state;
  return { ok: true, value: { ts: parsed.value.ts as number, state: state.value as Array<readonly [string, Pointer]> } };
}

function parseEnvelope(body: string, maxBytes: number, fields: string[]): Decoded<Record<string, unknown>> {
  if (body.length > maxBytes || utf8Length(body) > maxBytes) return fail(`body exceeds ${maxBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return fail(`body is not JSON (${(error as Error).message})`);
  }
  if (!isPlainRecord(parsed)) return fail("body is not a JSON object");
  const keys = Object.keys(parsed);
  const unexpected = keys.find((key) => !fields.includes(key));
  if (unexpected !== undefined) return fail(`unexpected field ${JSON.stringify(unexpected)}`);
  const missing = fields.find((field) => !keys.includes(field));
  if (missing !== undefined) return fail(`missing field ${JSON.stringify(missing)}`);
  if (parsed.mps3 !== FORMAT_VERSION) return fail(`unsupported format version ${JSON.stringify(parsed.mps3)}`);
  const ts = parsed.ts;
  if (typeof ts !== "number" || !Number.isSafeInteger(ts) || ts < 0) return fail("ts is not a timestamp");
  return { ok: true, value: parsed };
}

function decodeOps(ops: unknown, allowDeletes: boolean): Decoded<Op[]> {
  if (!Array.isArray(ops)) return fail("ops are not an array");
  const seen = new Set<string>();
  const out: Op[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op: unknown = ops[i];
    if (!Array.isArray(op) || op.length !== 2) return fail(`op ${i} is not a [key, pointer] pair`);
    const [key, pointer] = op as [unknown, unknown];
    const badKey = keyProblem(key);
    if (badKey) return fail(`op ${i}: ${badKey}`);
    if (seen.has(key as string)) return fail(`op ${i}: key ${JSON.stringify(key)} appears twice`);
    seen.add(key as string);
    if (pointer === null && allowDeletes) {
      out.push([key as string, null]);
      continue;
    }
    const decoded = decodePointer(pointer);
    if (!decoded.ok) return fail(`op ${i}: ${decoded.reason}`);
    out.push([key as string, decoded.value]);
  }
  return { ok: true, value: out };
}

function decodePointer(pointer: unknown): Decoded<Pointer> {
  if (!isPlainRecord(pointer)) return fail("pointer is not an object");
  const keys = Object.keys(pointer);
  if (keys.length === 1 && keys[0] === "value") {
    const snapshot = snapshotJson(pointer.value);
    return snapshot.ok ? { ok: true, value: Object.freeze({ value: snapshot.value }) } : fail(snapshot.reason);
  }
  if (!keys.includes("object")) return fail("pointer has neither value nor object");
  const unexpected = keys.find((key) => !["object", "bucket", "version"].includes(key));
  if (unexpected !== undefined) return fail(`pointer has unexpected field ${JSON.stringify(unexpected)}`);
  for (const field of keys) {
    const text = pointer[field];
    if (typeof text !== "string" || text.length === 0) return fail(`pointer ${field} is not a non-empty string`);
  }
  return { ok: true, value: pointer as Pointer };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
