import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { S3Storage } from "./s3-storage.ts";
import { StorageError } from "./storage.ts";

const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "s" } });
const s3 = mockClient(client);
const storage = new S3Storage(client);

beforeEach(() => s3.reset());

function serviceError(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode < 500 ? "client" : "server", $metadata: { httpStatusCode } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

function timeoutError(): Error {
  return Object.assign(new Error("Connection timed out after 30000 ms"), { name: "TimeoutError" });
}

function body(text: string) {
  return { transformToString: async (encoding?: string) => (encoding === "utf-8" ? text : "wrong encoding") };
}

async function storageErrorOf(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

const LAST_MODIFIED = new Date("2026-03-01T12:00:00.123Z");

describe("getObject", () => {
  it("sends bucket, key, version id and If-None-Match", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body("x") as never, ETag: '"e"', LastModified: LAST_MODIFIED });
    await storage.getObject({ bucket: "b", key: "k", versionId: "v1", ifNoneMatch: '"e0"' });
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: "b", Key: "k", VersionId: "v1", IfNoneMatch: '"e0"' },
    ]);
  });

  it("maps 200 to body as UTF-8, etag, version id and LastModified in ms", async () => {
    s3.on(GetObjectCommand).resolves({
      Body: body("héllo") as never,
      ETag: '"e1"',
      VersionId: "v1",
      LastModified: LAST_MODIFIED,
    });
    expect(await storage.getObject({ bucket: "b", key: "k" })).toEqual({
      status: 200,
      body: "héllo",
      etag: '"e1"',
      versionId: "v1",
      lastModified: LAST_MODIFIED.getTime(),
    });
  });

  it("maps the SDK's Unknown 304 error to 304", async () => {
    s3.on(GetObjectCommand).rejects(serviceError("Unknown", 304));
    expect(await storage.getObject({ bucket: "b", key: "k", ifNoneMatch: '"e1"' })).toEqual({ status: 304 });
  });

  it.each([
    ["NoSuchKey", new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: "gone" })],
    ["NoSuchVersion", serviceError("NoSuchVersion", 404)],
    ["a bodiless 404", serviceError("NotFound", 404)],
  ])("maps %s to 404", async (_, error) => {
    s3.on(GetObjectCommand).rejects(error);
    expect(await storage.getObject({ bucket: "b", key: "k" })).toEqual({ status: 404 });
  });

  it("rejects NoSuchBucket as a non-retryable StorageError", async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: "no" }));
    const error = await storageErrorOf(storage.getObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ status: 404, code: "NoSuchBucket", retryable: false, ambiguous: false });
  });

  it("rejects a 500 as retryable but not ambiguous: a read changes nothing", async () => {
    s3.on(GetObjectCommand).rejects(serviceError("InternalError", 500));
    const error = await storageErrorOf(storage.getObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ status: 500, code: "InternalError", retryable: true, ambiguous: false });
  });

  it("rejects a response without ETag as malformed", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body("x") as never, LastModified: LAST_MODIFIED });
    const error = await storageErrorOf(storage.getObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ code: "MalformedResponse", retryable: false, ambiguous: false });
  });
});

describe("putObject", () => {
  it("sends body, its UTF-8 length, content type, If-None-Match and If-Match", async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    await storage.putObject({ bucket: "b", key: "k", body: "v", contentType: "application/json", ifNoneMatch: "*" });
    await storage.putObject({ bucket: "b", key: "k", body: "wé", ifMatch: '"e"' });
    await storage.putObject({ bucket: "b", key: "k", body: "" });
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: "b", Key: "k", Body: "v", ContentLength: 1, ContentType: "application/json", IfNoneMatch: "*" },
      { Bucket: "b", Key: "k", Body: "wé", ContentLength: 3, IfMatch: '"e"' },
      { Bucket: "b", Key: "k", Body: "", ContentLength: 0 },
    ]);
  });

  it("maps 200 to etag and version id", async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e2"', VersionId: "v2" });
    expect(await storage.putObject({ bucket: "b", key: "k", body: "v" })).toEqual({
      status: 200,
      etag: '"e2"',
      versionId: "v2",
    });
  });

  it("maps PreconditionFailed to 412", async () => {
    s3.on(PutObjectCommand).rejects(serviceError("PreconditionFailed", 412));
    expect(await storage.putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" })).toEqual({ status: 412 });
  });

  it("maps ConditionalRequestConflict to 409", async () => {
    s3.on(PutObjectCommand).rejects(serviceError("ConditionalRequestConflict", 409));
    expect(await storage.putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" })).toEqual({ status: 409 });
  });

  it("rejects a 200 without ETag as malformed and ambiguous: the write happened", async () => {
    s3.on(PutObjectCommand).resolves({});
    const error = await storageErrorOf(storage.putObject({ bucket: "b", key: "k", body: "v" }));
    expect(error).toMatchObject({ code: "MalformedResponse", retryable: false, ambiguous: true });
  });

  it.each([
    ["503 SlowDown", serviceError("SlowDown", 503), { status: 503, code: "SlowDown", retryable: true, ambiguous: false }],
    ["503 ServiceUnavailable", serviceError("ServiceUnavailable", 503), { status: 503, retryable: true, ambiguous: false }],
    ["429", serviceError("TooManyRequests", 429), { status: 429, retryable: true, ambiguous: false }],
    ["500 InternalError", serviceError("InternalError", 500), { status: 500, code: "InternalError", retryable: true, ambiguous: true }],
    ["502", serviceError("BadGateway", 502), { status: 502, retryable: true, ambiguous: true }],
    ["400 RequestTimeout", serviceError("RequestTimeout", 400), { status: 400, retryable: true, ambiguous: false }],
    ["ECONNRESET", networkError("ECONNRESET"), { status: undefined, code: "ECONNRESET", retryable: true, ambiguous: true }],
    ["a timeout", timeoutError(), { status: undefined, code: "TimeoutError", retryable: true, ambiguous: true }],
    ["ECONNREFUSED", networkError("ECONNREFUSED"), { code: "ECONNREFUSED", retryable: true, ambiguous: false }],
    ["ENOTFOUND", networkError("ENOTFOUND"), { code: "ENOTFOUND", retryable: true, ambiguous: false }],
    ["403 AccessDenied", serviceError("AccessDenied", 403), { status: 403, code: "AccessDenied", retryable: false, ambiguous: false }],
    ["400 InvalidArgument", serviceError("InvalidArgument", 400), { status: 400, retryable: false, ambiguous: false }],
    ["NoSuchBucket", serviceError("NoSuchBucket", 404), { status: 404, code: "NoSuchBucket", retryable: false, ambiguous: false }],
    ["409 OperationAborted", serviceError("OperationAborted", 409), { status: 409, retryable: false, ambiguous: false }],
  ])("rejects %s as a StorageError", async (_, sdkError, expected) => {
    s3.on(PutObjectCommand).rejects(sdkError);
    const error = await storageErrorOf(storage.putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" }));
    expect(error).toMatchObject(expected);
  });
});

describe("deleteObject", () => {
  it("sends the version id and maps the answer to 204", async () => {
    s3.on(DeleteObjectCommand).resolves({ VersionId: "dm1" });
    expect(await storage.deleteObject({ bucket: "b", key: "k", versionId: "v1" })).toEqual({
      status: 204,
      versionId: "dm1",
    });
    expect(s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input)).toEqual([
      { Bucket: "b", Key: "k", VersionId: "v1" },
    ]);
  });

  it("treats NoSuchKey as already deleted", async () => {
    s3.on(DeleteObjectCommand).rejects(serviceError("NoSuchKey", 404));
    expect(await storage.deleteObject({ bucket: "b", key: "k" })).toEqual({ status: 204 });
  });

  it("rejects a 500 as ambiguous", async () => {
    s3.on(DeleteObjectCommand).rejects(serviceError("InternalError", 500));
    const error = await storageErrorOf(storage.deleteObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ retryable: true, ambiguous: true });
  });
});

describe("listObjects", () => {
  it("sends prefix, StartAfter, MaxKeys and the continuation token", async () => {
    s3.on(ListObjectsV2Command).resolves({});
    await storage.listObjects({ bucket: "b", prefix: "log/", startAfter: "log/0005", maxKeys: 10, continuationToken: "t1" });
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: "b", Prefix: "log/", StartAfter: "log/0005", MaxKeys: 10, ContinuationToken: "t1" },
    ]);
  });

  it("maps contents, truncation and the next token", async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: "log/1", ETag: '"a"', LastModified: LAST_MODIFIED, Size: 3 },
        { Key: "log/2", ETag: '"b"', LastModified: new Date(0), Size: 0 },
      ],
      IsTruncated: true,
      NextContinuationToken: "t2",
    });
    expect(await storage.listObjects({ bucket: "b", prefix: "log/" })).toEqual({
      status: 200,
      contents: [
        { key: "log/1", etag: '"a"', lastModified: LAST_MODIFIED.getTime(), size: 3 },
        { key: "log/2", etag: '"b"', lastModified: 0, size: 0 },
      ],
      isTruncated: true,
      nextContinuationToken: "t2",
    });
  });

  it("maps an empty listing", async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
    expect(await storage.listObjects({ bucket: "b", prefix: "none/" })).toEqual({
      status: 200,
      contents: [],
      isTruncated: false,
    });
  });

  it("rejects NoSuchBucket as non-retryable", async () => {
    s3.on(ListObjectsV2Command).rejects(serviceError("NoSuchBucket", 404));
    const error = await storageErrorOf(storage.listObjects({ bucket: "b", prefix: "" }));
    expect(error).toMatchObject({ status: 404, code: "NoSuchBucket", retryable: false, ambiguous: false });
  });
});
