import { logPrefix, parseLogKey, startAfterForNewest } from "../protocol/log-keys.ts";
import type { ManifestContext } from "./manifest-context.ts";

const DELETE_CONCURRENCY = 4;

/**
 * Autoclean: once a newer checkpoint exists, log objects older than the
 * previous checkpoint are covered twice over and can go. One page (at most
 * 1,000 objects) per call, so the cost stays bounded.
 */
export class LogCleaner {
  constructor(private readonly ctx: ManifestContext) {}

  async deleteOlderThan(ts: number): Promise<number> {
    const { bucket, key: manifest } = this.ctx.manifest;
    try {
      const listing = await this.ctx.storage.listObjects({
        bucket,
        prefix: logPrefix(manifest),
        startAfter: startAfterForNewest(manifest, ts - 1),
      });
      const doomed = listing.contents.filter((object) => (parseLogKey(manifest, object.key)?.ts ?? Infinity) < ts);
      for (let i = 0; i < doomed.length; i += DELETE_CONCURRENCY) {
        const slice = doomed.slice(i, i + DELETE_CONCURRENCY);
        await Promise.all(slice.map((object) => this.ctx.storage.deleteObject({ bucket, key: object.key })));
      }
      return doomed.length;
    } catch (error) {
      this.ctx.log("warn", `autoclean failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
