import { keyProblem } from "../protocol/entry-codec.ts";
import { logPrefix } from "../protocol/log-keys.ts";

/** An object in a bucket: a key's content location, or a manifest. */
export interface Ref {
  bucket: string;
  key: string;
}

/** A key, or a key with its bucket (the default bucket when omitted). */
export type KeyLike = string | { bucket?: string; key: string };

export const DEFAULT_MANIFEST_KEY = "manifest.json";

export function toRef(keyLike: KeyLike, defaultBucket: string, what = "key"): Ref {
  if (typeof keyLike !== "string" && (typeof keyLike !== "object" || keyLike === null)) throw new TypeError(`${what} must be a string or {key, bucket?}`);
  const ref = typeof keyLike === "string" ? { bucket: defaultBucket, key: keyLike } : { bucket: keyLike.bucket ?? defaultBucket, key: keyLike.key };
  if (typeof ref.bucket !== "string" || ref.bucket.length === 0) throw new TypeError(`${what} needs a bucket name`);
  const problem = keyProblem(ref.key);
  if (problem) throw new TypeError(`invalid ${what} ${JSON.stringify(ref.key)}: ${problem}`);
  return { bucket: ref.bucket, key: ref.key };
}

export function refId(ref: Ref): string {
  return `${ref.bucket}/${ref.key}`;
}

/**
 * A manifest's keys live in its own bucket (a key is named by its string
 * alone in the log, so the same key in two buckets would be one key), and
 * may not sit on the manifest's own objects (its marker and log).
 */
export function assertKeyOfManifest(key: Ref, manifest: Ref): void {
  if (key.bucket !== manifest.bucket) {
    throw new TypeError(
      `key ${JSON.stringify(key.key)} in bucket ${JSON.stringify(key.bucket)} is not in the bucket of manifest ${refId(manifest)}: a manifest's keys live in its own bucket`,
    );
  }
  if (key.key === manifest.key || key.key.startsWith(logPrefix(manifest.key))) {
    throw new TypeError(
      `key ${JSON.stringify(key.key)} collides with manifest ${JSON.stringify(manifest.key)}'s own objects`,
    );
  }
}
