/**
 * What every S3 `Storage` adapter must do with the same HTTP answers: which
 * requests it sends and how it maps each answer. Run on an adapter by
 * calling `storageContract` inside a `describe`.
 */
import { expect, it } from "vitest";
import { s3ErrorXml, type FakeOutcome, type RecordedRequest } from "./s3-fake-http-handler.ts";
import { StorageError, type Storage, type StorageErrorDetails } from "./storage.ts";

/** An adapter whose requests are answered, in order, by `outcomes`. */
export type AnsweredStorage = (...outcomes: FakeOutcome[]) => { storage: Storage; requests: RecordedRequest[] };

const DATE = "Sun, 01 Mar 2026 12:00:07 GMT";
const DATE_MS = Date.UTC(2026, 2, 1, 12, 0, 7);
const LAST_MODIFIED = "Sun, 01 Mar 2026 11:59:58 GMT";
const LAST_MODIFIED_MS = Date.UTC(2026, 2, 1, 11, 59, 58);

/** The bucket's own path, with or without the trailing slash. */
const BUCKET_PATH = expect.stringMatching(/^\/b\/?$/);

function s3Error(status: number, code: string): FakeAnswer {
  return { status, headers: { date: DATE, "content-type": "application/xml" }, body: s3ErrorXml(code) };
}

type FakeAnswer = Extract<FakeOutcome, { status: number }>;

async function storageErrorOf(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

function listXml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>${inner}</ListBucketResult>`;
}

/** Failures and how both reads and writes must classify them. */
const FAILURES: Array<[name: string, outcome: FakeOutcome, expected: Partial<StorageErrorDetails>, write?: Partial<StorageErrorDetails>]> = [
  ["503 SlowDown", s3Error(503, "SlowDown"), { status: 503, code: "SlowDown", retryable: true, ambiguous: false }],
  ["a bodiless 503", { status: 503 }, { status: 503, retryable: true, ambiguous: false }],
  ["429", s3Error(429, "TooManyRequests"), { status: 429, retryable: true, ambiguous: false }],
  ["400 SlowDown", s3Error(400, "SlowDown"), { status: 400, retryable: true, ambiguous: false }],
  ["500 InternalError", s3Error(500, "InternalError"), { status: 500, code: "InternalError", retryable: true, ambiguous: false }, { ambiguous: true }],
  ["502", s3Error(502, "BadGateway"), { status: 502, retryable: true, ambiguous: false }, { ambiguous: true }],
  ["501 NotImplemented", s3Error(501, "NotImplemented"), { status: 501, code: "NotImplemented", retryable: false, ambiguous: false }],
  ["a bodiless 504", { status: 504 }, { status: 504, retryable: true, ambiguous: false }, { ambiguous: true }],
  ["400 RequestTimeout", s3Error(400, "RequestTimeout"), { status: 400, code: "RequestTimeout", retryable: true, ambiguous: false }],
  ["403 AccessDenied", s3Error(403, "AccessDenied"), { status: 403, code: "AccessDenied", retryable: false, ambiguous: false }],
  ["403 SignatureDoesNotMatch", s3Error(403, "SignatureDoesNotMatch"), { status: 403, code: "SignatureDoesNotMatch", retryable: false }],
  ["400 InvalidArgument", s3Error(400, "InvalidArgument"), { status: 400, code: "InvalidArgument", retryable: false, ambiguous: false }],
  ["404 NoSuchBucket", s3Error(404, "NoSuchBucket"), { status: 404, code: "NoSuchBucket", retryable: false, ambiguous: false }],
  ["ECONNRESET", { networkError: "ECONNRESET" }, { status: undefined, code: "ECONNRESET", retryable: true, ambiguous: false }, { ambiguous: true }],
  ["ECONNREFUSED", { networkError: "ECONNREFUSED" }, { status: undefined, code: "ECONNREFUSED", retryable: true, ambiguous: false }],
  ["ENOTFOUND", { networkError: "ENOTFOUND" }, { status: undefined, code: "ENOTFOUND", retryable: true, ambiguous: false }],
];

export function storageContract(answering: AnsweredStorage): void {
  it("GET sends bucket and key as the path, the version id and If-None-Match", async () => {
    const { storage, requests } = answering(
      { status: 200, headers: { etag: '"e"', "last-modified": LAST_MODIFIED }, body: "x" },
    );
    await storage.getObject({ bucket: "b", key: "dir/k", versionId: "v1", ifNoneMatch: '"e0"' });
    expect(requests).toMatchObject([
      { method: "GET", path: "/b/dir/k", query: { versionId: "v1" }, headers: { "if-none-match": '"e0"' } },
    ]);
  });

  it("percent-encodes every key character outside RFC 3986's unreserved set, keeping slashes", async () => {
    const { storage, requests } = answering({ status: 404 });
    await storage.getObject({ bucket: "b", key: "a b/ü+&?#%=!'()*~._-" });
    expect(requests[0]?.path).toBe("/b/a%20b/%C3%BC%2B%26%3F%23%25%3D%21%27%28%29%2A~._-");
  });

  it("GET 200: the body as UTF-8, ETag, version id, Last-Modified and Date in ms", async () => {
    const { storage } = answering({
      status: 200,
      headers: { etag: '"e1"', "x-amz-version-id": "v1", "last-modified": LAST_MODIFIED, date: DATE },
      body: "héllo ✓",
    });
    expect(await storage.getObject({ bucket: "b", key: "k" })).toEqual({
      status: 200,
      body: "héllo ✓",
      etag: '"e1"',
      versionId: "v1",
      lastModified: LAST_MODIFIED_MS,
      date: DATE_MS,
    });
  });

  it("GET 200 of an empty object", async () => {
    const { storage } = answering({ status: 200, headers: { etag: '"e"', "last-modified": LAST_MODIFIED } });
    expect(await storage.getObject({ bucket: "b", key: "k" })).toMatchObject({ status: 200, body: "" });
  });

  it("GET 304: the ETag and Date", async () => {
    const { storage } = answering({ status: 304, headers: { etag: '"e1"', date: DATE } });
    expect(await storage.getObject({ bucket: "b", key: "k", ifNoneMatch: '"e1"' })).toEqual({
      status: 304,
      etag: '"e1"',
      date: DATE_MS,
    });
  });

  it.each([
    ["NoSuchKey", s3Error(404, "NoSuchKey")],
    ["NoSuchVersion", s3Error(404, "NoSuchVersion")],
    ["a bodiless 404", { status: 404, headers: { date: DATE } }],
  ])("GET maps %s to 404", async (_, outcome) => {
    const { storage } = answering(outcome);
    expect(await storage.getObject({ bucket: "b", key: "k" })).toEqual({ status: 404, date: DATE_MS });
  });

  it("GET rejects a 200 without ETag as malformed, not ambiguous", async () => {
    const { storage } = answering({ status: 200, headers: { "last-modified": LAST_MODIFIED }, body: "x" });
    const error = await storageErrorOf(storage.getObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ code: "MalformedResponse", retryable: false, ambiguous: false });
  });

  it.each(FAILURES)("GET rejects %s as a StorageError", async (_, outcome, expected) => {
    const { storage } = answering(outcome);
    expect(await storageErrorOf(storage.getObject({ bucket: "b", key: "k" }))).toMatchObject(expected);
  });

  it("PUT sends the body, content type, If-None-Match and If-Match", async () => {
    const ok = { status: 200, headers: { etag: '"e"' } };
    const { storage, requests } = answering(ok, ok, ok);
    await storage.putObject({ bucket: "b", key: "k", body: "v", contentType: "application/json", ifNoneMatch: "*" });
    await storage.putObject({ bucket: "b", key: "k", body: "wé", ifMatch: '"e"' });
    await storage.putObject({ bucket: "b", key: "k", body: "" });
    expect(requests).toMatchObject([
      { method: "PUT", path: "/b/k", body: "v", headers: { "content-type": "application/json", "if-none-match": "*" } },
      { method: "PUT", path: "/b/k", body: "wé", headers: { "if-match": '"e"' } },
      { method: "PUT", path: "/b/k", body: "" },
    ]);
    expect(requests[1]?.headers).not.toHaveProperty("if-none-match");
    expect(requests[2]?.headers).not.toHaveProperty("if-match");
  });

  it("PUT 200: ETag, version id and Date", async () => {
    const { storage } = answering({ status: 200, headers: { etag: '"e2"', "x-amz-version-id": "v2", date: DATE } });
    expect(await storage.putObject({ bucket: "b", key: "k", body: "v" })).toEqual({
      status: 200,
      etag: '"e2"',
      versionId: "v2",
      date: DATE_MS,
    });
  });

  it("PUT maps 412 to 412 and 409 ConditionalRequestConflict to 409, with Date", async () => {
    const { storage } = answering(s3Error(412, "PreconditionFailed"), s3Error(409, "ConditionalRequestConflict"));
    const create = { bucket: "b", key: "k", body: "v", ifNoneMatch: "*" } as const;
    expect(await storage.putObject(create)).toEqual({ status: 412, date: DATE_MS });
    expect(await storage.putObject(create)).toEqual({ status: 409, date: DATE_MS });
  });

  it("PUT rejects another 409 as a non-retryable StorageError", async () => {
    const { storage } = answering(s3Error(409, "OperationAborted"));
    const error = await storageErrorOf(storage.putObject({ bucket: "b", key: "k", body: "v" }));
    expect(error).toMatchObject({ status: 409, code: "OperationAborted", retryable: false, ambiguous: false });
  });

  it("PUT rejects a 200 without ETag as malformed and ambiguous: the write happened", async () => {
    const { storage } = answering({ status: 200, headers: { date: DATE } });
    const error = await storageErrorOf(storage.putObject({ bucket: "b", key: "k", body: "v" }));
    expect(error).toMatchObject({ code: "MalformedResponse", retryable: false, ambiguous: true });
  });

  it.each(FAILURES)("PUT rejects %s as a StorageError", async (_, outcome, expected, write) => {
    const { storage } = answering(outcome);
    const error = await storageErrorOf(storage.putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" }));
    expect(error).toMatchObject({ ...expected, ...write });
  });

  it("DELETE sends the version id; 204 gives the version id and Date", async () => {
    const { storage, requests } = answering({ status: 204, headers: { "x-amz-version-id": "dm1", date: DATE } });
    expect(await storage.deleteObject({ bucket: "b", key: "k", versionId: "v1" })).toEqual({
      status: 204,
      versionId: "dm1",
      date: DATE_MS,
    });
    expect(requests).toMatchObject([{ method: "DELETE", path: "/b/k", query: { versionId: "v1" } }]);
  });

  it("DELETE treats NoSuchKey as already deleted", async () => {
    const { storage } = answering(s3Error(404, "NoSuchKey"));
    expect(await storage.deleteObject({ bucket: "b", key: "k" })).toEqual({ status: 204, date: DATE_MS });
  });

  it("DELETE rejects a 500 as ambiguous", async () => {
    const { storage } = answering(s3Error(500, "InternalError"));
    const error = await storageErrorOf(storage.deleteObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ status: 500, retryable: true, ambiguous: true });
  });

  it("LIST sends list-type 2, prefix, start-after, max-keys and the continuation token", async () => {
    const empty = { status: 200, body: listXml("<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>") };
    const { storage, requests } = answering(empty, empty);
    await storage.listObjects({ bucket: "b", prefix: "log/", startAfter: "log/0005", maxKeys: 10, continuationToken: "t1/+=" });
    await storage.listObjects({ bucket: "b", prefix: "" });
    expect(requests).toMatchObject([
      {
        method: "GET",
        path: BUCKET_PATH,
        query: { "list-type": "2", prefix: "log/", "start-after": "log/0005", "max-keys": "10", "continuation-token": "t1/+=" },
      },
      { method: "GET", path: BUCKET_PATH, query: { "list-type": "2" } },
    ]);
    expect(requests[1]?.query).not.toHaveProperty("start-after");
    expect(requests[1]?.query).not.toHaveProperty("continuation-token");
  });

  it("LIST maps contents with XML entities decoded, truncation, the next token and Date", async () => {
    const { storage } = answering({
      status: 200,
      headers: { date: DATE },
      body: listXml(
        "<Prefix>log/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>" +
          "<Contents><Key>log/a&amp;b&lt;c&gt; ✓</Key><LastModified>2026-03-01T12:00:00.123Z</LastModified>" +
          "<ETag>&quot;a&quot;</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents>" +
          '<Contents><Key>log/2</Key><LastModified>1970-01-01T00:00:00.000Z</LastModified><ETag>"b"</ETag><Size>0</Size></Contents>' +
          "<NextContinuationToken>t2</NextContinuationToken>",
      ),
    });
    expect(await storage.listObjects({ bucket: "b", prefix: "log/", maxKeys: 2 })).toEqual({
      status: 200,
      contents: [
        { key: "log/a&b<c> ✓", etag: '"a"', lastModified: Date.UTC(2026, 2, 1, 12, 0, 0, 123), size: 3 },
        { key: "log/2", etag: '"b"', lastModified: 0, size: 0 },
      ],
      isTruncated: true,
      nextContinuationToken: "t2",
      date: DATE_MS,
    });
  });

  it("LIST maps an empty listing", async () => {
    const { storage } = answering({ status: 200, body: listXml("<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>") });
    expect(await storage.listObjects({ bucket: "b", prefix: "none/" })).toEqual({
      status: 200,
      contents: [],
      isTruncated: false,
    });
  });

  it.each(FAILURES)("LIST rejects %s as a StorageError", async (_, outcome, expected) => {
    const { storage } = answering(outcome);
    expect(await storageErrorOf(storage.listObjects({ bucket: "b", prefix: "" }))).toMatchObject(expected);
  });

  it("LIST rejects a truncated XML body as a non-retryable StorageError", async () => {
    const whole = listXml("<IsTruncated>false</IsTruncated><Contents><Key>a</Key></Contents>");
    const { storage } = answering({ status: 200, body: whole.slice(0, -30) });
    const error = await storageErrorOf(storage.listObjects({ bucket: "b", prefix: "" }));
    expect(error).toMatchObject({ retryable: false, ambiguous: false });
  });
}
