import type { S3ConnectionConfig } from "./s3-client.ts";
import type { S3Storage } from "./s3-storage.ts";
import type { Storage } from "./storage.ts";

export type S3Config = S3ConnectionConfig;

/** The AWS SDK adapter, loaded on first use so clients on other storage never load the SDK. */
export function lazyS3Storage(config: S3Config): Storage {
  assertEndpoint(config.endpoint);
  let storage: Promise<S3Storage> | undefined;
  const load = () => (storage ??= import("./s3-storage.ts").then(({ S3Storage }) => new S3Storage(config)));
  return {
    getObject: async (req) => (await load()).getObject(req),
    putObject: async (req) => (await load()).putObject(req),
    deleteObject: async (req) => (await load()).deleteObject(req),
    listObjects: async (req) => (await load()).listObjects(req),
  };
}

function assertEndpoint(endpoint: string | undefined): void {
  if (endpoint === undefined) return;
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new TypeError(`s3Config.endpoint must be an absolute http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  }
}
