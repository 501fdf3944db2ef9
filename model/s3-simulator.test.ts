import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StorageError } from "../impl/storage.ts";
import { S3Simulator } from "./s3-simulator.ts";
import type { LatencyModel } from "./sim-request.ts";
import { BUCKET, simulation } from "./test-harness.ts";
import { aws, r2, type VendorProfile } from "./vendor-profiles.ts";
import { VirtualClock } from "./virtual-clock.ts";

const fixedLatency =
  (uplinkMs: number, downlinkMs: number): LatencyModel =>
  () => ({ uplinkMs, downlinkMs });

describe("S3Simulator buckets", () => {
  it("rejects every request to a missing bucket with NoSuchBucket", async () => {
    const { sim, settle } = simulation();
    const bucket = "missing";
    const calls: Promise<unknown>[] = [
      sim.getObject({ bucket, key: "k" }),
      sim.putObject({ bucket, key: "k", body: "" }),
      sim.deleteObject({ bucket, key: "k" }),
      sim.listObjects({ bucket, prefix: "" }),
    ];
    for (const call of calls) {
      const error = await settle(call).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: "NoSuchBucket", status: 404, retryable: false, ambiguous: false });
    }
  });

  it("refuses a duplicate bucket and versioning a profile lacks", () => {
    const { sim } = simulation();
    expect(() => sim.createBucket(BUCKET, { versioning: false })).toThrow(/already exists/);
    const r2Sim = new S3Simulator(new VirtualClock(), { profile: r2 });
    expect(() => r2Sim.createBucket("b", { versioning: true })).toThrow(/r2 does not support/);
    expect(() => r2Sim.createBucket("b", { versioning: false })).not.toThrow();
  });
});

describe("S3Simulator request path", () => {
  it("answers only through the clock, even with zero latency", async () => {
    const { clock, sim } = simulation();
    let answered = false;
    const call = sim.putObject({ bucket: BUCKET, key: "k", body: "v" }).then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntilSettled(call);
    expect(answered).toBe(true);
  });

  it("applies after the uplink and answers after the downlink", async () => {
    const { clock, sim, put, get } = simulation({ latency: fixedLatency(30, 20), logRequests: true });
    const start = clock.now();
    await put("k", "v");
    expect(clock.now()).toBe(start + 50);
    expect(sim.requestLog()).toEqual([
      { kind: "put", bucket: BUCKET, key: "k", sentAt: start, appliedAt: start + 30, respondedAt: start + 50, status: 200 },
    ]);
    expect((await get("k")).status).toBe(200);
  });

  it("applies requests in order of arrival, not of sending", async () => {
    const uplinks = [50, 10];
    const latency: LatencyModel = () => ({ uplinkMs: uplinks.shift() ?? 0, downlinkMs: 0 });
    const { sim, settle, get } = simulation({ latency });
    const slow = sim.putObject({ bucket: BUCKET, key: "k", body: "sent first" });
    const fast = sim.putObject({ bucket: BUCKET, key: "k", body: "sent second" });
    await settle(Promise.all([slow, fast]));
    expect(await get("k")).toMatchObject({ body: "sent first" });
  });

  it("passes each request, tagged with its kind, to the latency model", async () => {
    const seen: string[] = [];
    const latency: LatencyModel = (sent) => {
      seen.push(sent.kind);
      return { uplinkMs: 0, downlinkMs: 0 };
    };
    const { sim, settle, put, get, del } = simulation({ latency });
    await put("k", "v");
    await get("k");
    await del("k");
    await settle(sim.listObjects({ bucket: BUCKET, prefix: "" }));
    expect(seen).toEqual(["put", "get", "delete", "list"]);
  });
});

describe("S3Simulator objects", () => {
  it("reads its own writes with the body's quoted MD5 as ETag", async () => {
    const { put, get } = simulation();
    const written = await put("k", "hello");
    expect(written).toMatchObject({ status: 200, etag: '"5d41402abc4b2a76b9719d911017c592"' });
    expect(written).not.toHaveProperty("versionId");
    const read = await get("k");
    expect(read).toMatchObject({ status: 200, body: "hello", etag: written.status === 200 && written.etag });
    expect(read).not.toHaveProperty("versionId");
  });

  it("overwrites in an unversioned bucket", async () => {
    const { put, get } = simulation();
    await put("k", "one");
    await put("k", "two");
    expect(await get("k")).toMatchObject({ body: "two" });
  });

  it("answers 404 for a missing key and 204 for deleting one", async () => {
    const { get, del } = simulation();
    expect(await get("nothing")).toEqual({ status: 404, date: expect.any(Number) });
    expect(await del("nothing")).toEqual({ status: 204, date: expect.any(Number) });
  });

  it("deletes", async () => {
    const { put, get, del } = simulation();
    await put("k", "v");
    await del("k");
    expect((await get("k")).status).toBe(404);
  });

  it("round-trips keys with any characters", async () => {
    const keys = ["with space", "ünïcödé/日本語/😀", "&$@=;:+,?\\{^}%]>[~#|", "<![CDATA[x]]>", "a/../b", "\t\n"];
    const { sim, put, get, settle } = simulation();
    for (const key of keys) await put(key, `body of ${key}`);
    for (const key of keys) expect(await get(key)).toMatchObject({ body: `body of ${key}` });
    const listed = await settle(sim.listObjects({ bucket: BUCKET, prefix: "" }));
    expect(listed.contents.map((entry) => entry.key).sort()).toEqual([...keys].sort());
  });

  it("rejects empty, ill-formed and over-long keys", async () => {
    const { put } = simulation();
    await expect(put("", "v")).rejects.toMatchObject({ code: "InvalidArgument", status: 400 });
    await expect(put("lone \ud800 surrogate", "v")).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(put("é".repeat(513), "v")).rejects.toMatchObject({ code: "KeyTooLongError", status: 400 });
    await expect(put("é".repeat(512), "v")).resolves.toMatchObject({ status: 200 });
  });
});

describe("S3Simulator timestamps", () => {
  const fineProfile: VendorProfile = {
    ...aws,
    name: "fine",
    datePrecisionMs: 1,
    getLastModifiedPrecisionMs: 10,
    listLastModifiedPrecisionMs: 100,
  };

  it("dates responses at application and reports LastModified at each profile precision", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.constantFrom(aws, fineProfile),
        async (waitMs, uplinkMs, profile) => {
          const { clock, sim, put, get, settle } = simulation({ profile, latency: fixedLatency(uplinkMs, 7) });
          await clock.runFor(waitMs);
          const appliedAt = clock.now() + uplinkMs;
          const truncated = (ms: number, precision: number) => ms - (ms % precision);
          expect((await put("k", "v")).date).toBe(truncated(appliedAt, profile.datePrecisionMs));
          const read = await get("k");
          expect(read).toMatchObject({ lastModified: truncated(appliedAt, profile.getLastModifiedPrecisionMs) });
          const listed = await settle(sim.listObjects({ bucket: BUCKET, prefix: "" }));
          expect(listed.contents[0]?.lastModified).toBe(truncated(appliedAt, profile.listLastModifiedPrecisionMs));
          expect(sim.rawGet(BUCKET, "k")?.lastModified).toBe(appliedAt);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("gives aws whole-second Date and GET LastModified but millisecond LIST LastModified", async () => {
    const { clock, sim, put, get, settle } = simulation({ profile: aws });
    await clock.runFor(1_234);
    const at = clock.now();
    expect((await put("k", "v")).date).toBe(at - 234);
    expect(await get("k")).toMatchObject({ lastModified: at - 234 });
    const listed = await settle(sim.listObjects({ bucket: BUCKET, prefix: "" }));
    expect(listed.contents[0]?.lastModified).toBe(at);
  });
});

describe("S3Simulator stats and log", () => {
  it("counts requests by kind, 304s, 412s and bytes each way", async () => {
    const { sim, settle, put, get, del } = simulation();
    const written = await put("k", "é!");
    const etag = written.status === 200 ? written.etag : "";
    await put("k", "xyz", { ifNoneMatch: "*" });
    await get("k");
    await get("k", { ifNoneMatch: etag });
    await del("k");
    await settle(sim.listObjects({ bucket: BUCKET, prefix: "" }));
    await settle(sim.getObject({ bucket: "missing", key: "k" })).catch(() => {});
    expect(sim.stats()).toEqual({
      requests: { get: 3, put: 2, delete: 1, list: 1 },
      notModified: 1,
      preconditionFailed: 1,
      bytesUploaded: 3 + 3,
      bytesDownloaded: 3,
    });
    sim.resetStats();
    expect(sim.stats()).toEqual({
      requests: { get: 0, put: 0, delete: 0, list: 0 },
      notModified: 0,
      preconditionFailed: 0,
      bytesUploaded: 0,
      bytesDownloaded: 0,
    });
  });

  it("logs each answered request with its status or error code, until reset", async () => {
    const { sim, settle, put } = simulation({ logRequests: true });
    await put("k", "v");
    await settle(sim.listObjects({ bucket: BUCKET, prefix: "p/" }));
    await settle(sim.getObject({ bucket: "missing", key: "k" })).catch(() => {});
    const answers = sim.requestLog().map(({ kind, bucket, key, status, errorCode }) => ({ kind, bucket, key, status, errorCode }));
    expect(answers).toEqual([
      { kind: "put", bucket: BUCKET, key: "k", status: 200, errorCode: undefined },
      { kind: "list", bucket: BUCKET, key: "p/", status: 200, errorCode: undefined },
      { kind: "get", bucket: "missing", key: "k", status: 404, errorCode: "NoSuchBucket" },
    ]);
    sim.resetStats();
    expect(sim.requestLog()).toEqual([]);
  });

  it("refuses to read a log it was not asked to keep", () => {
    expect(() => simulation().sim.requestLog()).toThrow(/logRequests/);
  });
});

describe("S3Simulator raw access", () => {
  it("plants, reads and lists objects synchronously, uncounted", () => {
    const { sim } = simulation({ versioning: true });
    const planted = sim.rawPut(BUCKET, "a", "stale", { lastModified: 42 });
    sim.rawPut(BUCKET, "b", "now");
    expect(planted.versionId).toEqual(expect.any(String));
    expect(sim.rawGet(BUCKET, "a")).toMatchObject({ body: "stale", lastModified: 42, versionId: planted.versionId });
    expect(sim.rawGet(BUCKET, "nothing")).toBeUndefined();
    expect(sim.rawList(BUCKET)).toEqual([
      { key: "a", etag: planted.etag, lastModified: 42, size: 5 },
      { key: "b", etag: expect.any(String), lastModified: sim.clock.now(), size: 3 },
    ]);
    expect(sim.rawList(BUCKET, "b").map((entry) => entry.key)).toEqual(["b"]);
    expect(sim.stats().requests).toEqual({ get: 0, put: 0, delete: 0, list: 0 });
  });

  it("serves planted objects to requests", async () => {
    const { sim, get } = simulation();
    expect(sim.rawPut(BUCKET, "k", "planted")).not.toHaveProperty("versionId");
    expect(await get("k")).toMatchObject({ body: "planted" });
  });
});

describe("S3Simulator determinism", () => {
  const jitter: LatencyModel = (_, random) => ({ uplinkMs: random.int(0, 40), downlinkMs: random.int(0, 40) });

  async function workload(seed: number) {
    const { sim, settle } = simulation({ seed, versioning: true, latency: jitter, logRequests: true });
    const calls = Array.from({ length: 30 }, (_, i) => {
      const key = `k${i % 4}`;
      if (i % 5 === 4) return sim.listObjects({ bucket: BUCKET, prefix: "" });
      if (i % 3 === 2) return sim.getObject({ bucket: BUCKET, key });
      return sim.putObject({ bucket: BUCKET, key, body: `v${i}`, ...(i % 7 === 0 && { ifNoneMatch: "*" as const }) });
    });
    const responses = await settle(Promise.all(calls));
    return { responses, log: sim.requestLog() };
  }

  it("replays identical responses, version ids and timings from the same seed", async () => {
    const first = await workload(5);
    expect(await workload(5)).toEqual(first);
    const other = await workload(6);
    expect(other.log).not.toEqual(first.log);
    expect(other.responses).not.toEqual(first.responses);
  });
});
