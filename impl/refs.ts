import { keyProblem } from "../protocol/entry-codec.ts";
import { logPrefix } from "../protocol/log-keys.ts";

/** An object in a bucket: a key's content location, or a manifest. */
export interface Ref {
  bucket: string;
  key: string;
}

export type KeyLike = string | Ref;

export const DEFAULT_MANIFEST_KEY = "manifest.json";

export function toRef(keyLike: KeyLike, defaultBucket: string, what = "key"): Ref {
  const ref = typeof keyLike === "string" ? { bucket: defaultBucket, key: keyLike } : keyLike;
  if (typeof ref !== "object" || ref === null) throw new TypeError(`${what} must be a string or {bucket, key}`);
  if (typeof ref.bucket !== "string" || ref.bucket.length === 0) throw new TypeError(`${what} needs a bucket name`);
  const problem = keyProblem(ref.key);
  if (problem) throw new TypeError(`invalid ${what} ${JSON.stringify(ref.key)}: ${problem}`);
  return { bucket: ref.bucket, key: ref.key };
}

export function refId(ref: Ref): string {
  return `${ref.bucket}/${ref.key}`;
}

/** A user key may not sit on a manifest's own objects (its marker and log). */
export function assertKeyOutsideManifest(key: Ref, manifest: Ref): void {
  if (key.bucket !== manifest.bucket) return;
  if (key.key === manifest.key || key.key.startsWith(logPrefix(manifest.key))) {
    throw new TypeError(
      `key ${JSON.stringify(key.key)} collides with manifest ${JSON.stringify(manifest.key)}'s own objects`,
    );
  }
}
