/**
 * The SDK adapter on SDK-level answers (aws-sdk-client-mock): the commands it
 * builds and the SDK's own error shapes. How it maps HTTP answers is the
 * storage contract (storage-contract.ts), shared with FetchStorage.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
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
});

describe("listObjects", () => {
  it("sends prefix, StartAfter, MaxKeys and the continuation token", async () => {
    s3.on(ListObjectsV2Command).resolves({});
    await storage.listObjects({ bucket: "b", prefix: "log/", startAfter: "log/0005", maxKeys: 10, continuationToken: "t1" });
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: "b", Prefix: "log/", StartAfter: "log/0005", MaxKeys: 10, ContinuationToken: "t1" },
    ]);
  });
});
