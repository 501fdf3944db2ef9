/** A recorded, checked history on every S3 server that runs the timelog mode safely, with injected faults. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realEnv } from "../impl/env.ts";
import { MPS3 } from "../impl/mps3.ts";
import { createBucket, deleteBucket } from "../impl/s3-bucket-admin.ts";
import { connection, skipsWithout, testServers, uniqueBucketName, type TestServer } from "../impl/s3-test-servers.ts";
import { S3Storage } from "../impl/s3-storage.ts";
import { FaultyStorage } from "../model/faulty-storage.ts";
import { SeededRandom } from "../model/seeded-random.ts";
import { renderResult } from "./render.ts";
import { CHECKED_TIMEOUTS } from "./checked-timeouts.ts";
import { runLiveWorkload } from "./live-workload.ts";

const servers = (await testServers()).filter((server) => server.timelogSafe);

const DURATION_MS = Number(process.env.MPS3_LIVE_DURATION_MS ?? 60_000);
const BOUNDS = { staleMs: 3_000, marginMs: 1_000 };
const POLL_MS = 200;

// The runs wait in real time, so they go at once.
describe("recorded history with injected faults", { concurrent: true }, () => {
  for (const server of servers) describe(server.label, () => historySuite(server));
});

function historySuite(server: TestServer) {
  if (skipsWithout(server)) {
    it.skip(`needs ${server.label} running`);
    return;
  }
  const s3 = new S3Storage(connection(server));
  const bucket = uniqueBucketName("history");

  beforeAll(() => createBucket(s3.client, bucket, "unversioned"));
  afterAll(() => deleteBucket(s3.client, bucket, "unversioned"), 60_000);

  it(
    `4 clients for ${DURATION_MS / 1000} s of mixed operations keep every claim`,
    async () => {
      const seed = Number(process.env.MPS3_LIVE_SEED ?? Date.now() % 1_000_000);
      const random = new SeededRandom(seed);
      const faulty = Array.from(
        { length: 4 },
        (_, i) =>
          new FaultyStorage(s3, {
            env: realEnv,
            random: random.fork(`client-${i}`),
            rates: { delay: 0.05, lostResponse: 0.02, lostRequest: 0.02, refused: 0.02, internalError: 0.02, slowDown: 0.03 },
          }),
      );
      const clients = faulty.map(
        (storage, i) =>
          new MPS3({ defaultBucket: bucket, storage, bounds: BOUNDS, pollFrequency: POLL_MS, label: `c${i}`, log: false, ...CHECKED_TIMEOUTS }),
      );
      const result = await runLiveWorkload({
        clients,
        env: realEnv,
        bounds: BOUNDS,
        pollFrequencyMs: POLL_MS,
        durationMs: DURATION_MS,
        keys: 6,
        heal: () => faulty.forEach((storage) => storage.heal()),
      });
      await Promise.all(clients.map((client) => client.shutdown()));
      const faults = faulty.map((storage) => storage.faults());
      const operations = result.history.operations;
      console.log(
        `${server.label} history (seed ${seed}): ${operations.length} operations, ` +
          `${operations.filter((op) => op.writes.length > 0 && op.status === "ok").length} acknowledged writes, ` +
          `faults ${JSON.stringify(faults)}; verdict ${result.check.valid}`,
      );
      expect(result.mismatches).toEqual([]);
      expect(result.check.valid, renderResult(result.check, result.history)).toBe(true);
      expect(operations.length).toBeGreaterThan(200);
      expect(faults.some((counts) => Object.values(counts).some((n) => n > 0))).toBe(true);
    },
    DURATION_MS + 120_000,
  );
}
