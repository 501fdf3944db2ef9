import { logPrefix, parseLogKey, startAfterForNewest } from "../protocol/log-keys.ts";
import { cleanableBefore } from "../protocol/log-retention.ts";
import type { ManifestContext } from "./manifest-context.ts";

const DELETE_CONCURRENCY = 4;

/**
 * Autoclean: once a newer checkpoint exists, log objects older than the
 * previous checkpoint are covered twice over and can go, once they are past
 * the retention horizon (protocol/log-retention.ts). One page (at most 1,000
 * objects) per call, so the cost stays bounded.
 */
export class LogCleaner {
  constructor(private readonly ctx: ManifestContext) {}

  async deleteOlderThan(previousCheckpointTs: number): Promise<number> {
    const { bucket, key: manifest } = this.ctx.manifest;
    try {
      const listing = await this.ctx.storage.listObjects({
        bucket,
        prefix: logPrefix(manifest),
        startAfter: startAfterForNewest(manifest, cleanableBefore(previousCheckpointTs, this.ctx.clock.now(), this.ctx.bounds) - 1),
      });
      if (listing.date === undefined) return 0;
      const before = cleanableBefore(previousCheckpointTs, listing.date, this.ctx.bounds);
      const doomed = listing.contents.filter((object) => (parseLogKey(manifest, object.key)?.ts ?? Infinity) < before);
      for (let i = 0; i < doomed.length; i += DELETE_CONCURRENCY) {
        const slice = doomed.slice(i, i + DELETE_CONCURRENCY);
        await Promise.all(slice.map((object) => this.ctx.storage.deleteObject({ bucket, key: object.key })));
      }
      if (doomed.length > 0) this.ctx.log("debug", `path: autoclean deleted ${doomed.length} log objects`);
      return doomed.length;
    } catch (error) {
      this.ctx.log("warn", `autoclean failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
