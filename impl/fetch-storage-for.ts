/** Test support: FetchStorage on the connection settings of a test server (s3-test-servers.ts). */
import { FetchStorage } from "./fetch-storage.ts";
import type { S3ConnectionConfig } from "./s3-client.ts";

export function fetchStorageFor(config: S3ConnectionConfig): FetchStorage {
  const { endpoint, region, credentials, forcePathStyle, requestTimeoutMs } = config;
  if (endpoint === undefined || credentials === undefined) throw new Error("FetchStorage needs an endpoint and credentials");
  return new FetchStorage({ endpoint, region, credentials, forcePathStyle, requestTimeoutMs });
}
