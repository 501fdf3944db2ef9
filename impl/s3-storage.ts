import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { utf8Length } from "../protocol/json-value.ts";
import { createS3Client, type S3ConnectionConfig } from "./s3-client.ts";
import { errorCodeOf, httpStatusOf, toStorageError, type RequestEffect } from "./s3-errors.ts";
import { captureResponseHeaders, parseHttpDate, type ResponseHeaders } from "./s3-response-headers.ts";
import {
  StorageError,
  type DeleteRequest,
  type DeleteResponse,
  type GetRequest,
  type GetResponse,
  type ListRequest,
  type ListResponse,
  type ListedObject,
  type PutRequest,
  type PutResponse,
  type Storage,
} from "./storage.ts";

/**
 * `Storage` over any S3-compatible store through the AWS SDK v3.
 *
 * Built from a config, the client retries throttling only (see
 * `ThrottlingRetryStrategy`); every other failure is a `StorageError` for
 * the protocol to judge. A client passed in is used as it is configured.
 */
export class S3Storage implements Storage {
  readonly client: S3Client;

  constructor(clientOrConfig: S3Client | S3ConnectionConfig) {
    this.client = clientOrConfig instanceof S3Client ? clientOrConfig : createS3Client(clientOrConfig);
  }

  async getObject(req: GetRequest): Promise<GetResponse> {
    const command = new GetObjectCommand({
      Bucket: req.bucket,
      Key: req.key,
      VersionId: req.versionId,
      IfNoneMatch: req.ifNoneMatch,
    });
    const headers = captureResponseHeaders(command);
    let out, body;
    try {
      out = await this.client.send(command);
      body = (await out.Body?.transformToString("utf-8")) ?? "";
    } catch (error) {
      const status = httpStatusOf(error);
      // The SDK has no model for 304: it throws an error named `Unknown`.
      if (status === 304) return { status: 304, etag: headers().etag, date: dateOf(headers()) };
      if (status === 404 && errorCodeOf(error) !== "NoSuchBucket") return { status: 404, date: dateOf(headers()) };
      throw toStorageError(error, "read");
    }
    return {
      status: 200,
      body,
      etag: required(out.ETag, "ETag", "read"),
      versionId: out.VersionId,
      lastModified: required(out.LastModified, "LastModified", "read").getTime(),
      date: dateOf(headers()),
    };
  }

  async putObject(req: PutRequest): Promise<PutResponse> {
    const command = new PutObjectCommand({
      Bucket: req.bucket,
      Key: req.key,
      Body: req.body,
      // The SDK omits Content-Length for an empty body; S3 then refuses the chunked upload.
      ContentLength: utf8Length(req.body),
      ContentType: req.contentType,
      IfNoneMatch: req.ifNoneMatch,
      IfMatch: req.ifMatch,
    });
    const headers = captureResponseHeaders(command);
    let out;
    try {
      out = await this.client.send(command);
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 412) return { status: 412, date: dateOf(headers()) };
      if (status === 409 && errorCodeOf(error) === "ConditionalRequestConflict") {
        return { status: 409, date: dateOf(headers()) };
      }
      throw toStorageError(error, "write");
    }
    return {
      status: 200,
      etag: required(out.ETag, "ETag", "write"),
      versionId: out.VersionId,
      date: dateOf(headers()),
    };
  }

  async deleteObject(req: DeleteRequest): Promise<DeleteResponse> {
    const command = new DeleteObjectCommand({ Bucket: req.bucket, Key: req.key, VersionId: req.versionId });
    const headers = captureResponseHeaders(command);
    try {
      const out = await this.client.send(command);
      return { status: 204, versionId: out.VersionId, date: dateOf(headers()) };
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible stores answer NoSuchKey. Either way it is gone.
      if (errorCodeOf(error) === "NoSuchKey") return { status: 204, date: dateOf(headers()) };
      throw toStorageError(error, "write");
    }
  }

  async listObjects(req: ListRequest): Promise<ListResponse> {
    const command = new ListObjectsV2Command({
      Bucket: req.bucket,
      Prefix: req.prefix,
      StartAfter: req.startAfter,
      MaxKeys: req.maxKeys,
      ContinuationToken: req.continuationToken,
    });
    const headers = captureResponseHeaders(command);
    let out;
    try {
      out = await this.client.send(command);
    } catch (error) {
      throw toStorageError(error, "read");
    }
    return {
      status: 200,
      contents: (out.Contents ?? []).map(
        (object): ListedObject => ({
          key: required(object.Key, "Key", "read"),
          etag: required(object.ETag, "ETag", "read"),
          lastModified: required(object.LastModified, "LastModified", "read").getTime(),
          size: object.Size ?? 0,
        }),
      ),
      isTruncated: out.IsTruncated ?? false,
      nextContinuationToken: out.NextContinuationToken,
      date: dateOf(headers()),
    };
  }
}

function dateOf(headers: ResponseHeaders): number | undefined {
  return parseHttpDate(headers.date);
}

/**
 * A field S3 always sends. Missing after a successful write, the write still
 * happened, hence ambiguous.
 */
function required<T>(value: T | undefined, field: string, effect: RequestEffect): T {
  if (value !== undefined) return value;
  throw new StorageError(`S3 response lacks ${field}`, {
    code: "MalformedResponse",
    retryable: false,
    ambiguous: effect === "write",
  });
}
