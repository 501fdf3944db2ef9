/** Both S3 adapters against each real store here that runs the timelog mode safely: the same tests, each on buckets of its own. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchStorageFor } from "./fetch-storage-for.ts";
import { createBucket, deleteBucket } from "./s3-bucket-admin.ts";
import type { S3ConnectionConfig } from "./s3-client.ts";
import { connection, skipsWithout, testServers, uniqueBucketName } from "./s3-test-servers.ts";
import { S3Storage } from "./s3-storage.ts";
import { StorageError, type Storage } from "./storage.ts";

const servers = (await testServers()).filter((server) => server.timelogSafe);

const adapters: Array<[name: string, open: (config: S3ConnectionConfig) => Storage]> = [
  ["S3Storage (AWS SDK)", (config) => new S3Storage(config)],
  ["FetchStorage", fetchStorageFor],
];

const cases = servers.flatMap((server) => adapters.map(([adapter, open]) => ({ server, adapter, open })));

describe.for(cases)("$adapter against $server.label", ({ server, open }) => {
  if (skipsWithout(server)) {
    it.skip(`needs ${server.label} running`);
    return;
  }
  const config = connection(server);
  const admin = new S3Storage(config).client;
  const storage = open(config);
  const bucket = uniqueBucketName("it");
  const versionedBucket = `${bucket}-versioned`;

  beforeAll(async () => {
    await createBucket(admin, bucket, "unversioned");
    await createBucket(admin, versionedBucket, "versioned");
  });

  afterAll(async () => {
    await deleteBucket(admin, bucket, "unversioned");
    await deleteBucket(admin, versionedBucket, "versioned");
  });

  it("round-trips a UTF-8 body with etag, LastModified and the Date header", async () => {
    const before = Date.now();
    const put = await storage.putObject({ bucket, key: "round/trip", body: "héllo ✓", contentType: "text/plain" });
    const get = await storage.getObject({ bucket, key: "round/trip" });
    expect(put).toMatchObject({ status: 200, etag: expect.stringMatching(/^".+"$/) });
    expect(get).toMatchObject({ status: 200, body: "héllo ✓", etag: put.status === 200 ? put.etag : "" });
    for (const ms of [get.date, get.status === 200 ? get.lastModified : undefined]) {
      expect(ms).toBeGreaterThan(before - 5_000);
      expect(ms).toBeLessThan(Date.now() + 5_000);
    }
  });

  it("stores and reads an empty object", async () => {
    expect(await storage.putObject({ bucket, key: "empty", body: "" })).toMatchObject({ status: 200 });
    expect(await storage.getObject({ bucket, key: "empty" })).toMatchObject({ status: 200, body: "" });
  });

  it("answers 404 for a missing key and 304 for a current ETag", async () => {
    expect(await storage.getObject({ bucket, key: "missing" })).toMatchObject({ status: 404 });
    const put = await storage.putObject({ bucket, key: "cached", body: "v" });
    if (put.status !== 200) throw new Error("put failed");
    expect(await storage.getObject({ bucket, key: "cached", ifNoneMatch: put.etag })).toMatchObject({ status: 304 });
    expect(await storage.getObject({ bucket, key: "cached", ifNoneMatch: '"stale"' })).toMatchObject({ status: 200 });
  });

  if (server.quirks.includes("conditionalPutsNotImplemented")) {
    it("refuses conditional PUTs with 501 as a non-retryable, unambiguous StorageError", async () => {
      await storage.putObject({ bucket, key: "swap", body: "v1" });
      for (const condition of [{ ifNoneMatch: "*" as const }, { ifMatch: '"stale"' }]) {
        const error = await storage.putObject({ bucket, key: "swap", body: "v2", ...condition }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StorageError);
        expect(error).toMatchObject({ code: "NotImplemented", status: 501, retryable: false, ambiguous: false });
      }
      expect(await storage.getObject({ bucket, key: "swap" })).toMatchObject({ body: "v1" });
    });
  } else {
    it("creates with If-None-Match * once, then answers 412", async () => {
      const create = { bucket, key: "create-once", body: "first", ifNoneMatch: "*" } as const;
      expect(await storage.putObject(create)).toMatchObject({ status: 200 });
      expect(await storage.putObject({ ...create, body: "second" })).toMatchObject({ status: 412 });
      expect(await storage.getObject({ bucket, key: "create-once" })).toMatchObject({ body: "first" });
    });

    it("answers 412 to If-Match with a stale ETag", async () => {
      await storage.putObject({ bucket, key: "swap", body: "v1" });
      expect(await storage.putObject({ bucket, key: "swap", body: "v2", ifMatch: '"stale"' })).toMatchObject({
        status: 412,
      });
    });
  }

  it("lists in key order from StartAfter, a page at a time", async () => {
    const keys = ["list/a", "list/b", "list/c", "list/d", "list/e"];
    for (const key of keys) await storage.putObject({ bucket, key, body: key });
    const first = await storage.listObjects({ bucket, prefix: "list/", startAfter: "list/a", maxKeys: 2 });
    expect(first.contents.map((object) => object.key)).toEqual(["list/b", "list/c"]);
    expect(first.isTruncated).toBe(true);
    const second = await storage.listObjects({
      bucket,
      prefix: "list/",
      startAfter: "list/a",
      maxKeys: 2,
      continuationToken: first.nextContinuationToken,
    });
    expect(second.contents.map((object) => object.key)).toEqual(["list/d", "list/e"]);
    expect(second.contents[0]).toMatchObject({ size: 6, etag: expect.stringMatching(/^".+"$/) });
  });

  it("reads old versions by id and deletes with a marker in a versioned bucket", async () => {
    const v1 = await storage.putObject({ bucket: versionedBucket, key: "doc", body: "one" });
    const v2 = await storage.putObject({ bucket: versionedBucket, key: "doc", body: "two" });
    if (v1.status !== 200 || v2.status !== 200) throw new Error("put failed");
    expect(v1.versionId).toBeDefined();
    expect(v2.versionId).not.toBe(v1.versionId);
    expect(await storage.getObject({ bucket: versionedBucket, key: "doc", versionId: v1.versionId })).toMatchObject({
      body: "one",
      versionId: v1.versionId,
    });
    const deleted = await storage.deleteObject({ bucket: versionedBucket, key: "doc" });
    expect(deleted.versionId).toBeDefined();
    expect(await storage.getObject({ bucket: versionedBucket, key: "doc" })).toMatchObject({ status: 404 });
    expect(await storage.getObject({ bucket: versionedBucket, key: "doc", versionId: v2.versionId })).toMatchObject({
      body: "two",
    });
  });

  it("deletes a missing key without complaint", async () => {
    expect(await storage.deleteObject({ bucket, key: "never-written" })).toMatchObject({ status: 204 });
  });

  it("rejects a missing bucket as a non-retryable StorageError", async () => {
    const error = await storage.getObject({ bucket: `${bucket}-absent`, key: "k" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "NoSuchBucket", status: 404, retryable: false });
  });

  const lineBreakKey = "odd/cr\r\nlf";
  it("round-trips and lists keys with characters that URLs and XML treat specially", async () => {
    const keys = [
      "odd/&$@=;:+,?\\{^}%]>[~#|",
      "odd/with spaces  and\ttab",
      "odd/a+b",
      "odd/unicodé ✓ 日本語 🎉",
      "odd/<![CDATA[<tag>]]>",
      "odd/x//y",
      "odd/'!()*",
      "odd/.hidden",
      ...(server.quirks.includes("lineBreakKeysNotFound") ? [] : [lineBreakKey]),
    ];
    for (const key of keys) await storage.putObject({ bucket, key, body: key });
    for (const key of keys) expect(await storage.getObject({ bucket, key })).toMatchObject({ status: 200, body: key });
    const listed = await storage.listObjects({ bucket, prefix: "odd/" });
    const stored = server.quirks.includes("keysNormalizedAsPaths") ? keys.map((key) => key.replace(/[\\/]+/g, "/")) : keys;
    expect(listed.contents.map((object) => object.key)).toEqual([...stored].sort(byUtf8Bytes));
  });

  if (server.quirks.includes("keysNormalizedAsPaths")) {
    it("stores a key as a file path, so that a\\b, a//b and a/b name one object", async () => {
      await storage.putObject({ bucket, key: "slash/a\\b", body: "backslash" });
      expect(await storage.getObject({ bucket, key: "slash/a/b" })).toMatchObject({ status: 200, body: "backslash" });
      await storage.putObject({ bucket, key: "slash/a//b", body: "two slashes" });
      expect(await storage.getObject({ bucket, key: "slash/a\\b" })).toMatchObject({ status: 200, body: "two slashes" });
      expect((await storage.listObjects({ bucket, prefix: "slash/" })).contents.map((object) => object.key)).toEqual(["slash/a/b"]);
    });
  }

  if (server.quirks.includes("lineBreakKeysNotFound")) {
    it("meets a 404 for a key with a line break, as a non-retryable StorageError", async () => {
      const error = await storage.putObject({ bucket, key: lineBreakKey, body: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ status: 404, retryable: false });
    });
  }

  const wrongSecret = () => open({ ...config, credentials: { accessKeyId: config.credentials?.accessKeyId ?? "", secretAccessKey: "wrong" } });
  if (server.quirks.includes("signaturesUnchecked")) {
    it("is served with a wrong secret", async () => {
      expect(await wrongSecret().getObject({ bucket, key: "k" })).toMatchObject({ status: 404 });
    });
  } else {
    it("rejects a wrong secret as a non-retryable StorageError", async () => {
      const error = await wrongSecret().getObject({ bucket, key: "k" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: "SignatureDoesNotMatch", status: 403, retryable: false, ambiguous: false });
    });
  }
});

function byUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
