import { AwsV4Signer } from "aws4fetch";
import { answerError, malformedBody, missingHeader, networkError, timeoutError } from "./fetch-storage-errors.ts";
import { parseEndpoint, s3Url, type Query } from "./fetch-storage-urls.ts";
import { parseErrorBody, parseListPage, UnexpectedXml } from "./fetch-storage-xml.ts";
import type { RequestEffect } from "./s3-errors.ts";
import { parseHttpDate } from "./s3-response-headers.ts";
import type {
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  PutRequest,
  PutResponse,
  Storage,
} from "./storage.ts";

export interface FetchStorageConfig {
  /** E.g. `https://s3.us-east-1.amazonaws.com`, or `http://127.0.0.1:7480` for a local Ceph RGW. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`, the default); false for virtual-hosted ones (`bucket.endpoint/key`). */
  forcePathStyle?: boolean;
  /** The fetch to send requests with; the global one by default. */
  fetch?: typeof fetch;
  /** Give up on a request whose answer, body included, has not arrived after this long. Default 30 s. */
  requestTimeoutMs?: number;
}

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

interface S3Request {
  method: "GET" | "PUT" | "DELETE";
  bucket: string;
  key?: string;
  query?: Query;
  headers?: Readonly<Record<string, string | undefined>>;
  body?: string;
}

interface Answer {
  url: URL;
  status: number;
  headers: Headers;
  body: string;
}

const encoder = new TextEncoder();

/**
 * `Storage` over any S3-compatible store with nothing but `fetch` and Web
 * Crypto: browsers, workers, Deno, Bun and Node 20+. Requests are SigV4-signed
 * (unsigned payload) and never retried here; every failure is a
 * `StorageError` for the protocol to judge.
 *
 * In a browser, a cross-origin bucket needs CORS rules that expose ETag,
 * Date and x-amz-version-id, or responses lack them.
 */
export class FetchStorage implements Storage {
  private readonly endpoint: URL;
  private readonly pathStyle: boolean;
  private readonly credentials: FetchStorageConfig["credentials"];
  private readonly region: string;
  /** Signing keys derived from the secret, one per day (aws4fetch fills it). */
  private readonly signingKeys = new Map<string, ArrayBuffer>();
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(config: FetchStorageConfig) {
    this.endpoint = parseEndpoint(config.endpoint);
    this.pathStyle = config.forcePathStyle ?? true;
    this.credentials = config.credentials;
    this.region = config.region;
    this.fetch = config.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = config.requestTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  }

  async getObject(req: GetRequest): Promise<GetResponse> {
    const answer = await this.send(
      {
        method: "GET",
        bucket: req.bucket,
        key: req.key,
        query: { versionId: req.versionId },
        headers: { "if-none-match": req.ifNoneMatch },
      },
      "read",
    );
    const date = dateOf(answer);
    if (answer.status === 304) return { status: 304, etag: header(answer, "etag"), date };
    if (!isSuccess(answer)) {
      const error = errorOf(answer, "read");
      if (answer.status === 404 && error.code !== "NoSuchBucket") return { status: 404, date };
      throw error;
    }
    return {
      status: 200,
      body: answer.body,
      etag: requiredHeader(answer, "ETag", "read"),
      versionId: header(answer, "x-amz-version-id"),
      lastModified: lastModifiedOf(answer),
      date,
    };
  }

  async putObject(req: PutRequest): Promise<PutResponse> {
    const answer = await this.send(
      {
        method: "PUT",
        bucket: req.bucket,
        key: req.key,
        headers: { "content-type": req.contentType, "if-none-match": req.ifNoneMatch, "if-match": req.ifMatch },
        body: req.body,
      },
      "write",
    );
    const date = dateOf(answer);
    if (isSuccess(answer)) {
      return {
        status: 200,
        etag: requiredHeader(answer, "ETag", "write"),
        versionId: header(answer, "x-amz-version-id"),
        date,
      };
    }
    if (answer.status === 412) return { status: 412, date };
    const error = errorOf(answer, "write");
    if (answer.status === 409 && error.code === "ConditionalRequestConflict") return { status: 409, date };
    throw error;
  }

  async deleteObject(req: DeleteRequest): Promise<DeleteResponse> {
    const answer = await this.send(
      { method: "DELETE", bucket: req.bucket, key: req.key, query: { versionId: req.versionId } },
      "write",
    );
    const date = dateOf(answer);
    if (isSuccess(answer)) return { status: 204, versionId: header(answer, "x-amz-version-id"), date };
    const error = errorOf(answer, "write");
    // S3 answers 204 for a missing key; some compatible stores answer NoSuchKey. Either way it is gone.
    if (error.code === "NoSuchKey") return { status: 204, date };
    throw error;
  }

  async listObjects(req: ListRequest): Promise<ListResponse> {
    const answer = await this.send(
      {
        method: "GET",
        bucket: req.bucket,
        query: {
          "list-type": "2",
          prefix: req.prefix,
          "start-after": req.startAfter,
          "max-keys": req.maxKeys?.toString(),
          "continuation-token": req.continuationToken,
          "encoding-type": "url",
        },
      },
      "read",
    );
    if (!isSuccess(answer)) throw errorOf(answer, "read");
    let page;
    try {
      page = parseListPage(answer.body);
    } catch (error) {
      if (error instanceof UnexpectedXml) throw malformedBody("read", error.message);
      throw error;
    }
    return { status: 200, ...page, date: dateOf(answer) };
  }

  /** Signs and sends one request and reads its whole answer, within the timeout. */
  private async send(request: S3Request, effect: RequestEffect): Promise<Answer> {
    const url = s3Url(this.endpoint, this.pathStyle, request.bucket, request.key, request.query);
    const headers = Object.fromEntries(
      Object.entries(request.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const signed = await new AwsV4Signer({
      ...this.credentials,
      service: "s3",
      region: this.region,
      cache: this.signingKeys,
      method: request.method,
      url: url.toString(),
      headers,
      // Bytes, not a string: fetch would add `Content-Type: text/plain` to a string body.
      body: request.body === undefined ? undefined : encoder.encode(request.body),
    }).sign();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    try {
      const response = await this.fetch(signed.url, {
        method: signed.method,
        headers: signed.headers,
        body: signed.body,
        signal: abort.signal,
        // A browser's HTTP cache would answer with objects the store has since replaced.
        cache: "no-store",
      });
      return { url, status: response.status, headers: response.headers, body: await response.text() };
    } catch (error) {
      if (abort.signal.aborted) throw timeoutError(effect, url, this.timeoutMs);
      throw networkError(effect, url, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function isSuccess(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function errorOf(answer: Answer, effect: RequestEffect) {
  const parsed = parseErrorBody(answer.body);
  return answerError(effect, answer.status, parsed?.code ?? `Http${answer.status}`, parsed?.message);
}

function header(answer: Answer, name: string): string | undefined {
  return answer.headers.get(name) ?? undefined;
}

/** A header S3 always sends. */
function requiredHeader(answer: Answer, name: string, effect: RequestEffect): string {
  const value = header(answer, name);
  if (value === undefined) throw missingHeader(effect, answer.url, name);
  return value;
}

function lastModifiedOf(answer: Answer): number {
  const ms = parseHttpDate(header(answer, "last-modified"));
  if (ms === undefined) throw missingHeader("read", answer.url, "Last-Modified");
  return ms;
}

function dateOf(answer: Answer): number | undefined {
  return parseHttpDate(header(answer, "date"));
}
