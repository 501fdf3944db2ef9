import type { Env } from "./env.ts";
import { StorageError } from "./storage.ts";

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const READ_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/** For writes, and fetches subscribers depend on: a transient fault never makes them give up. */
export const PERSISTENT_RETRY: RetryPolicy = { attempts: Infinity, baseDelayMs: 100, maxDelayMs: 5_000 };

export function isRetryable(error: unknown): boolean {
  return error instanceof StorageError && error.retryable;
}

export function sleep(env: Env, ms: number): Promise<void> {
  return new Promise((resolve) => env.setTimeout(resolve, ms));
}

/** Exponential backoff with full jitter. */
export function backoffMs(env: Env, attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(env.random() * ceiling);
}

/**
 * Retries `fn` while it fails with a retryable error, at most
 * `policy.attempts` times and only while `keepGoing()` says so.
 */
export async function withRetry<T>(env: Env, fn: () => Promise<T>, policy = READ_RETRY, keepGoing: () => boolean = () => true): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryable(error) || attempt + 1 >= policy.attempts || !keepGoing()) throw error;
      await sleep(env, backoffMs(env, attempt, policy));
    }
  }
}
