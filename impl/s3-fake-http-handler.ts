import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { S3Storage } from "./s3-storage.ts";

/** A canned HTTP answer for `FakeHttpHandler`. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** No answer: the socket fails with this Node error code (`ECONNREFUSED`, `ECONNRESET`, ...). */
export interface FakeNetworkFailure {
  networkError: string;
}

export type FakeOutcome = FakeAnswer | FakeNetworkFailure;

/** A request as it went out, whichever client sent it. */
export interface RecordedRequest {
  method: string;
  /** Percent-encoded, as on the wire. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export function socketError(code: string): Error {
  return Object.assign(new Error(`socket failed: ${code}`), { code });
}

/**
 * An SDK request handler that answers from a script instead of the network,
 * so tests exercise the SDK's own parsing, error and retry paths.
 */
export class FakeHttpHandler {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: FakeOutcome[];

  constructor(...answers: FakeOutcome[]) {
    this.answers = answers;
  }

  async handle(request: SdkHttpRequest) {
    this.requests.push({
      method: request.method,
      path: request.path,
      query: queryOf(request.query),
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value])),
      body: bodyText(request.body),
    });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error("FakeHttpHandler: no answer left");
    if ("networkError" in answer) throw socketError(answer.networkError);
    return {
      response: {
        statusCode: answer.status,
        headers: answer.headers ?? {},
        body: Readable.from([Buffer.from(answer.body ?? "")]),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

function queryOf(query: SdkHttpRequest["query"]): Record<string, string> {
  return Object.fromEntries(Object.entries(query ?? {}).map(([name, value]) => [name, String(value ?? "")]));
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error(`FakeHttpHandler: cannot record a body of type ${typeof body}`);
}

export function s3ErrorXml(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
}

/** An adapter over a real SDK client whose HTTP answers come from `handler`. */
export function storageAnswering(handler: FakeHttpHandler, config: Partial<S3ClientConfig>): S3Storage {
  return new S3Storage(
    new S3Client({
      region: "us-east-1",
      endpoint: "http://store.test",
      forcePathStyle: true,
      credentials: { accessKeyId: "a", secretAccessKey: "s" },
      requestHandler: handler,
      ...config,
    }),
  );
}
