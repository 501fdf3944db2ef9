/**
 * S3 answers and fetch failures as `StorageError`, classified as
 * `s3-errors.ts` classifies the AWS SDK's errors.
 */
import type { RequestEffect } from "./s3-errors.ts";
import { StorageError } from "./storage.ts";

/** Error codes AWS services use for throttling, whatever the HTTP status. */
const THROTTLING_CODES = new Set([
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

/** Network errors raised before the request reached any server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

const NETWORK_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
};

/** The response headers a browser page needs exposed, and the methods it uses. */
export const CORS_RULES_ADVICE =
  "allowed methods GET, PUT, DELETE, HEAD; allowed headers *; exposed headers ETag, Date, x-amz-version-id, Last-Modified";

/** An answer S3 gave with an error status. */
export function answerError(effect: RequestEffect, status: number, code: string, s3Message?: string): StorageError {
  const detail = s3Message === undefined || s3Message === "" || s3Message === code ? "" : `: ${s3Message}`;
  return new StorageError(`S3 ${effect} failed: ${code} (HTTP ${status})${detail}`, {
    status,
    code,
    ...classifyAnswer(effect, status, code),
  });
}

function classifyAnswer(effect: RequestEffect, status: number, code: string) {
  if (status === 503 || status === 429 || THROTTLING_CODES.has(code)) return { retryable: true, ambiguous: false };
  if (status === 501) return { retryable: false, ambiguous: false };
  if (status >= 500) return { retryable: true, ambiguous: effect === "write" };
  if (status === 408 || code === "RequestTimeout") return { retryable: true, ambiguous: false };
  return { retryable: false, ambiguous: false };
}

/** fetch rejected: nothing, or nothing readable, came back. */
export function networkError(effect: RequestEffect, url: URL, error: unknown): StorageError {
  const cause = causeOf(error);
  const code = cause.code ?? "NetworkError";
  const failure = code in NETWORK_FAILURES ? `${NETWORK_FAILURES[code]} (${code})` : `network error (${cause.description})`;
  const message = `S3 ${effect} failed: ${failure} reaching ${url.origin}${corsHint(url)}`;
  return new StorageError(message, {
    code,
    retryable: true,
    ambiguous: effect === "write" && !NOT_SENT_CODES.has(code),
  });
}

export function timeoutError(effect: RequestEffect, url: URL, timeoutMs: number): StorageError {
  return new StorageError(`S3 ${effect} failed: no complete answer from ${url.origin} within ${timeoutMs} ms`, {
    code: "Timeout",
    retryable: true,
    ambiguous: effect === "write",
  });
}

/**
 * A header S3 always sends is missing: in a browser, most likely one the CORS
 * rules do not expose. After a successful write, the write still happened.
 */
export function missingHeader(effect: RequestEffect, url: URL, header: string): StorageError {
  const hint = crossOriginPage(url) === undefined ? "" : `; a browser hides response headers that the bucket's CORS rules do not expose (${CORS_RULES_ADVICE})`;
  return malformed(effect, `S3 response lacks the ${header} header${hint}`);
}

/** A successful answer whose body is not what S3 sends. */
export function malformedBody(effect: RequestEffect, problem: string): StorageError {
  return malformed(effect, `S3 response body ${problem}`);
}

function malformed(effect: RequestEffect, message: string): StorageError {
  return new StorageError(message, { code: "MalformedResponse", retryable: false, ambiguous: effect === "write" });
}

/** What a browser page on another origin must be allowed, or "" outside such a page. */
function corsHint(url: URL): string {
  const origin = crossOriginPage(url);
  if (origin === undefined) return "";
  return (
    `. The browser tells no more; from this page (${origin}) the likely cause is the bucket's CORS rules. ` +
    `Allow origin ${origin}, ${CORS_RULES_ADVICE}`
  );
}

/** The origin of the browser page making the request, when it differs from the request's. */
function crossOriginPage(url: URL): string | undefined {
  if (typeof window === "undefined") return undefined;
  const origin = window.location?.origin;
  return origin !== undefined && origin !== url.origin ? origin : undefined;
}

/** Node's fetch rejects with a TypeError whose `cause` carries the socket error's code. */
function causeOf(error: unknown): { code?: string; description: string } {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined;
  return {
    code: typeof code === "string" && code !== "" ? code : undefined,
    description: error instanceof Error ? `${error.name}: ${cause instanceof Error ? cause.message : error.message}` : String(error),
  };
}
