import { S3Client } from "@aws-sdk/client-s3";
import { ThrottlingRetryStrategy } from "./s3-throttling-retry-strategy.ts";

export interface S3ConnectionConfig {
  /** Omit for AWS S3; e.g. `http://127.0.0.1:7480` for a local Ceph RGW. */
  endpoint?: string;
  region: string;
  /** Omit to use the SDK's default provider chain (AWS_* variables, profiles, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`), which most non-AWS stores need. */
  forcePathStyle?: boolean;
  /** Attempts per request when throttled, the first included. */
  maxAttempts?: number;
  /** Give up on a request that has not completed after this long. */
  requestTimeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 5_000;

export function createS3Client(config: S3ConnectionConfig): S3Client {
  const maxAttempts = config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  return new S3Client({
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    region: config.region,
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    // With the default (WHEN_SUPPORTED) Ceph RGW and others reject PUTs with 411.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts,
    retryStrategy: new ThrottlingRetryStrategy(maxAttempts),
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the SDK only logs a warning and the request waits forever.
      throwOnRequestTimeout: true,
    },
  });
}
