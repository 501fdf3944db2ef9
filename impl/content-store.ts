import { contentKey } from "../protocol/log-keys.ts";
import type { Pointer } from "../protocol/entry-codec.ts";
import { snapshotJson, type Json } from "../protocol/json-value.ts";
import type { Env } from "./env.ts";
import type { Logger } from "./logger.ts";
import type { Ref } from "./refs.ts";
import { withRetry, PERSISTENT_RETRY } from "./retry.ts";
import type { Storage } from "./storage.ts";

export type ContentLocation = { object: string; bucket: string; version?: string };

/**
 * Values too large to inline live in immutable content objects: the key's
 * own path with a version id where the bucket is versioned, else
 * `<key>@<unique id>`. Fetched values are cached by pointer, forever valid.
 */
export class ContentStore {
  private readonly cache = new Map<string, Json | undefined>();

  constructor(
    private readonly storage: Storage,
    private readonly env: Env,
    private readonly log: Logger,
    private readonly useVersioning: boolean,
    private readonly uniqueId: () => string,
  ) {}

  /** Stores a content object, retrying passing faults until `giveUpAtMs` (local time). */
  async upload(ref: Ref, body: string, value: Json, giveUpAtMs: number): Promise<ContentLocation> {
    const objectKey = this.useVersioning ? ref.key : contentKey(ref.key, this.uniqueId());
    const response = await withRetry(
      this.env,
      () => this.storage.putObject({ bucket: ref.bucket, key: objectKey, body, contentType: "application/json" }),
      PERSISTENT_RETRY,
      () => this.env.now() < giveUpAtMs,
    );
    if (response.status !== 200) throw new Error(`content PUT of ${objectKey} answered ${response.status}`);
    if (this.useVersioning && !response.versionId) {
      throw new Error(`bucket ${ref.bucket} returned no version id: enable versioning or set useVersioning: false`);
    }
    const location: ContentLocation = {
      object: objectKey,
      bucket: ref.bucket,
      ...(response.versionId && this.useVersioning ? { version: response.versionId } : {}),
    };
    this.cache.set(pointerId(location, ref.bucket), value);
    return location;
  }

  /** The value when it is inline or cached; `{cached: false}` otherwise. */
  peek(pointer: Pointer, manifestBucket: string): { cached: true; value: Json | undefined } | { cached: false } {
    if ("value" in pointer) return { cached: true, value: pointer.value };
    const id = pointerId(pointer, manifestBucket);
    return this.cache.has(id) ? { cached: true, value: this.cache.get(id) } : { cached: false };
  }

  /** The value; a missing or corrupt content object reads as absent, with a warning. */
  async fetch(pointer: Pointer, manifestBucket: string): Promise<Json | undefined> {
    const peeked = this.peek(pointer, manifestBucket);
    if (peeked.cached) return peeked.value;
    const p = pointer as Extract<Pointer, { object: string }>;
    const bucket = p.bucket ?? manifestBucket;
    const response = await withRetry(this.env, () =>
      this.storage.getObject({ bucket, key: p.object, ...(p.version ? { versionId: p.version } : {}) }),
    );
    const value = response.status === 200 ? this.parse(response.body, p.object) : undefined;
    if (response.status !== 200) this.log("warn", `content object ${bucket}/${p.object} is missing (${response.status})`);
    this.cache.set(pointerId(p, manifestBucket), value);
    return value;
  }

  private parse(body: string, objectKey: string): Json | undefined {
    try {
      const snapshot = snapshotJson(JSON.parse(body));
      if (snapshot.ok) return snapshot.value;
      this.log("warn", `content object ${objectKey} skipped: ${snapshot.reason}`);
    } catch {
      this.log("warn", `content object ${objectKey} skipped: not JSON`);
    }
    return undefined;
  }
}

/** A pointer as a manifest in `manifestBucket` records it: its own bucket is implied. */
export function pointerFor(location: ContentLocation, manifestBucket: string): Pointer {
  const { bucket, ...rest } = location;
  return bucket === manifestBucket ? rest : location;
}

function pointerId(pointer: Extract<Pointer, { object: string }>, manifestBucket: string): string {
  return JSON.stringify([pointer.bucket ?? manifestBucket, pointer.object, pointer.version ?? ""]);
}
