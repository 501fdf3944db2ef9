import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { S3Storage } from "./s3-storage.ts";

/** A canned HTTP answer for `FakeHttpHandler`. */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * An SDK request handler that answers from a script instead of the network,
 * so tests exercise the SDK's own parsing, error and retry paths.
 */
export class FakeHttpHandler {
  readonly requests: { method: string; path: string; headers: Record<string, string> }[] = [];
  private readonly answers: FakeAnswer[];

  constructor(...answers: FakeAnswer[]) {
    this.answers = answers;
  }

  async handle(request: { method: string; path: string; headers: Record<string, string> }) {
    this.requests.push({ method: request.method, path: request.path, headers: { ...request.headers } });
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error("FakeHttpHandler: no answer left");
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
