import { interceptStorage, type Storage, type StorageCall } from "../impl/storage.ts";

export type RequestCounts = Record<"GET" | "PUT" | "LIST" | "DELETE", number>;

const COLUMN: Record<StorageCall["kind"], keyof RequestCounts> = { get: "GET", put: "PUT", list: "LIST", delete: "DELETE" };

/** Passes every request on to `storage`, counting them by kind. */
export function countingStorage(storage: Storage): { storage: Storage; counts: () => RequestCounts; reset: () => void } {
  let counts: RequestCounts = { GET: 0, PUT: 0, LIST: 0, DELETE: 0 };
  return {
    storage: interceptStorage(storage, (call, send) => {
      counts[COLUMN[call.kind]]++;
      return send();
    }),
    counts: () => ({ ...counts }),
    reset: () => {
      counts = { GET: 0, PUT: 0, LIST: 0, DELETE: 0 };
    },
  };
}
