import { isThrottlingError } from "@smithy/core/retry";
import { StorageError } from "./storage.ts";

/** Whether a failed request could have changed the bucket. */
export type RequestEffect = "read" | "write";

/** Network errors raised before the request reached any server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

/** The HTTP status of an SDK error, undefined when no response arrived. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = shapeOf(error).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** The S3 error code (`NoSuchKey`), else the Node error code (`ECONNRESET`), else the error name. */
export function errorCodeOf(error: unknown): string {
  const { Code, code, name } = shapeOf(error);
  for (const candidate of [Code, code, name]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error") return candidate;
  }
  return "UnknownError";
}

export function toStorageError(error: unknown, effect: RequestEffect): StorageError {
  const status = httpStatusOf(error);
  const code = errorCodeOf(error);
  const message = `S3 ${effect} failed: ${code}${status === undefined ? "" : ` (HTTP ${status})`}`;
  return new StorageError(message, { status, code, ...classify(error, status, code, effect) });
}

function classify(error: unknown, status: number | undefined, code: string, effect: RequestEffect) {
  const mayHaveApplied = effect === "write";
  if (status === undefined) {
    return { retryable: true, ambiguous: mayHaveApplied && !NOT_SENT_CODES.has(code) };
  }
  if (status === 503 || isThrottlingError(shapeOf(error) as Parameters<typeof isThrottlingError>[0])) {
    return { retryable: true, ambiguous: false };
  }
  // The server cannot do what was asked (Swift's S3 layer answers conditional PUTs so): it did nothing and never will.
  if (status === 501) return { retryable: false, ambiguous: false };
  if (status >= 500) return { retryable: true, ambiguous: mayHaveApplied };
  if (status === 408 || code === "RequestTimeout") return { retryable: true, ambiguous: false };
  return { retryable: false, ambiguous: false };
}
