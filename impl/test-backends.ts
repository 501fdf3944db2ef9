/** Test support: the stores the client suite runs on, each handing out fresh worlds. */
import { setTimeout as sleep } from "node:timers/promises";
import type { TimingBounds } from "../protocol/bounds.ts";
import { createBucket, deleteBucket, type BucketKind } from "./s3-bucket-admin.ts";
import type { S3ConnectionConfig } from "./s3-client.ts";
import { uniqueBucketName } from "./s3-test-servers.ts";
import { S3Storage } from "./s3-storage.ts";
import type { Storage } from "./storage.ts";
import { clientPool, quiesceMs, TEST_POLL_MS, world, type World, type WorldOptions } from "./test-world.ts";

export interface Backend {
  world(options?: WorldOptions): Promise<World>;
  /** Shuts down every world's clients and removes what the worlds left in the store. */
  dispose(): Promise<void>;
}

export const simulatorBackend: Backend = {
  world: async (options) => world(options),
  dispose: async () => undefined,
};

/**
 * Short bounds so that waiting for visibility (and for autoclean) takes
 * seconds. The margin covers the whole-second Date header, so it cannot go
 * below 1 s.
 */
const REAL_STORE_BOUNDS: TimingBounds = { staleMs: 2_000, marginMs: 1_000, retentionMs: 6_000 };

/** Worlds on a real S3 endpoint, each on a bucket of its own that `dispose` deletes. */
export function s3Backend(config: S3ConnectionConfig): Backend {
  const storage = new S3Storage(config);
  const created: Array<{ bucket: string; kind: BucketKind; world: World }> = [];
  return {
    async world({ versioning = false } = {}) {
      const bucket = uniqueBucketName("client");
      const kind: BucketKind = versioning ? "versioned" : "unversioned";
      await createBucket(storage.client, bucket, kind);
      const pool = clientPool({
        defaultBucket: bucket,
        storage,
        useVersioning: versioning,
        pollFrequency: TEST_POLL_MS,
        bounds: REAL_STORE_BOUNDS,
      });
      const realWorld: World = {
        bounds: REAL_STORE_BOUNDS,
        client: pool.client,
        settle: (promise) => promise,
        pass: (ms) => sleep(ms),
        quiesce: () => sleep(quiesceMs(REAL_STORE_BOUNDS)),
        listKeys: (prefix) => listKeys(storage, bucket, prefix),
        warnings: pool.warnings,
        shutdownAll: pool.shutdownAll,
      };
      created.push({ bucket, kind, world: realWorld });
      return realWorld;
    },
    async dispose() {
      for (const { bucket, kind, world: opened } of created.splice(0)) {
        await opened.shutdownAll();
        await deleteBucket(storage.client, bucket, kind);
      }
    },
  };
}

async function listKeys(storage: Storage, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await storage.listObjects({ bucket, prefix, continuationToken });
    keys.push(...page.contents.map((object) => object.key));
    continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
  } while (continuationToken !== undefined);
  return keys;
}
