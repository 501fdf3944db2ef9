import type { RequestFailure } from "../protocol/commit-machine.ts";
import { StorageError } from "./storage.ts";

/** A failed storage call as the machines take it: what the error says, not what to do about it. */
export function failureOf(error: unknown): RequestFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof StorageError)) return { storageError: false, retryable: false, ambiguous: false, message };
  return { storageError: true, retryable: error.retryable, ambiguous: error.ambiguous, message };
}
