/** JSON values as the store keeps them, and the guard every value passes. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const MAX_JSON_DEPTH = 64;

export type Snapshot = { ok: true; value: Json } | { ok: false; reason: string };

/**
 * A deep, frozen copy of `value` if it is plain, safe JSON, read exactly once:
 * what is checked is what is kept, whatever the caller does with `value`
 * afterwards, and nobody holding the copy can change it. Accessor properties
 * are refused rather than evaluated, since they could answer differently on
 * every read.
 */
export function snapshotJson(value: unknown): Snapshot {
  try {
    return { ok: true, value: copy(value, "value", 0) };
  } catch (error) {
    if (error instanceof NotJson) return { ok: false, reason: error.message };
    throw error;
  }
}

class NotJson extends Error {}

function copy(value: unknown, path: string, depth: number): Json {
  if (depth > MAX_JSON_DEPTH) throw new NotJson(`${path} nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new NotJson(`${path} is a non-finite number`);
    return value;
  }
  if (typeof value !== "object") throw new NotJson(`${path} is a ${typeof value}, not JSON`);
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (let i = 0; i < value.length; i++) items.push(copy(ownData(value, String(i), `${path}[${i}]`), `${path}[${i}]`, depth + 1));
    return Object.freeze(items) as Json[];
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new NotJson(`${path} is not a plain object`);
  const record: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") throw new NotJson(`${path} has a "__proto__" key`);
    record[key] = copy(ownData(value, key, `${path}.${key}`), `${path}.${key}`, depth + 1);
  }
  return Object.freeze(record);
}

function ownData(container: object, key: string, path: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  if (descriptor === undefined) throw new NotJson(`${path} is missing (a hole in an array)`);
  if (!("value" in descriptor)) throw new NotJson(`${path} is a getter or setter (accessor property), not data`);
  return descriptor.value;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
