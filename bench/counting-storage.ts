import type { Storage } from "../impl/storage.ts";

export type RequestCounts = Record<"GET" | "PUT" | "LIST" | "DELETE", number>;

/** Passes every request on to `storage`, counting them by kind. */
export function countingStorage(storage: Storage): { storage: Storage; counts: () => RequestCounts; reset: () => void } {
  let counts: RequestCounts = { GET: 0, PUT: 0, LIST: 0, DELETE: 0 };
  const counted =
    <Req, Res>(kind: keyof RequestCounts, call: (req: Req) => Promise<Res>) =>
    (req: Req): Promise<Res> => {
      counts[kind]++;
      return call(req);
    };
  return {
    storage: {
      getObject: counted("GET", (req) => storage.getObject(req)),
      putObject: counted("PUT", (req) => storage.putObject(req)),
      listObjects: counted("LIST", (req) => storage.listObjects(req)),
      deleteObject: counted("DELETE", (req) => storage.deleteObject(req)),
    },
    counts: () => ({ ...counts }),
    reset: () => {
      counts = { GET: 0, PUT: 0, LIST: 0, DELETE: 0 };
    },
  };
}
