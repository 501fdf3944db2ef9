import type { Env } from "./env.ts";
import { interceptStorage, StorageError, type Storage, type StorageCall } from "./storage.ts";

/**
 * `storage` with every request given up after `timeoutMs`: a store that
 * accepts a connection and never answers must not hold a write or a sync
 * forever. A write given up is ambiguous (it may still be applied).
 */
export function withRequestTimeout(storage: Storage, env: Env, timeoutMs: number): Storage {
  return interceptStorage(storage, (call, send) =>
    new Promise((resolve, reject) => {
      const timer = env.setTimeout(() => {
        const ambiguous = call.kind === "put" || call.kind === "delete";
        reject(new StorageError(`no answer to ${call.kind} ${keyOf(call)} within ${timeoutMs} ms`, { code: "RequestTimeout", retryable: true, ambiguous }));
      }, timeoutMs);
      send().then(
        (response) => {
          env.clearTimeout(timer);
          resolve(response);
        },
        (error: unknown) => {
          env.clearTimeout(timer);
          reject(error);
        },
      );
    }),
  );
}

function keyOf(call: StorageCall): string {
  return call.kind === "list" ? `${call.request.prefix}*` : call.request.key;
}
