import { S3_MAX_KEYS, type ListRequest } from "../protocol/storage-vocabulary.ts";
import { invalidArgument } from "./s3-errors.ts";
import type { Utf8KeyIndex } from "./utf8-key-index.ts";

const TOKEN_MARK = "after:";

/** An opaque token that resumes a listing right after `key`: base64url of the UTF-16LE code units. */
function continuationTokenAfter(key: string): string {
  const text = TOKEN_MARK + key;
  let bytes = "";
  for (let i = 0; i < text.length; i++) bytes += String.fromCharCode(text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8);
  return btoa(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function keyAfterToken(token: string): string {
  const decoded = utf16leOfBase64url(token);
  if (decoded === undefined || !decoded.startsWith(TOKEN_MARK)) {
    throw invalidArgument("The continuation token provided is incorrect");
  }
  return decoded.slice(TOKEN_MARK.length);
}

function utf16leOfBase64url(token: string): string | undefined {
  let bytes: string;
  try {
    bytes = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return undefined;
  }
  let text = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode(bytes.charCodeAt(i) | (bytes.charCodeAt(i + 1) << 8));
  return text;
}

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  nextContinuationToken?: string;
}

/**
 * One page of ListObjectsV2 over `index`: the keys with the prefix, after the
 * continuation token (or else `startAfter`), that `listed` describes; it
 * answers undefined for keys not to list (delete markers).
 */
export function listPage<T extends { key: string }>(
  index: Utf8KeyIndex,
  request: ListRequest,
  listed: (key: string) => T | undefined,
): Page<T> {
  const maxKeys = Math.min(request.maxKeys ?? S3_MAX_KEYS, S3_MAX_KEYS);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw invalidArgument(`maxKeys must be a non-negative integer, got ${request.maxKeys}`);
  }
  // Assumption: S3 answers max-keys=0 with an empty, untruncated page.
  if (maxKeys === 0) return { items: [], isTruncated: false };
  const after = request.continuationToken === undefined ? request.startAfter : keyAfterToken(request.continuationToken);
  const items: T[] = [];
  for (const key of index.scan(request.prefix, after)) {
    const item = listed(key);
    if (item === undefined) continue;
    if (items.length === maxKeys) {
      return { items, isTruncated: true, nextContinuationToken: continuationTokenAfter(items[maxKeys - 1]!.key) };
    }
    items.push(item);
  }
  return { items, isTruncated: false };
}
