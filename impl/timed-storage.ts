import type { StoreClock } from "./store-clock.ts";
import type { Storage } from "./storage.ts";

/** Passes every response's Date header, with its round-trip times, to the clock. */
export function timedStorage(storage: Storage, clock: StoreClock): Storage {
  const timed =
    <Req, Res extends { date?: number }>(call: (req: Req) => Promise<Res>) =>
    async (req: Req): Promise<Res> => {
      const sent = clock.localNow();
      const response = await call(req);
      clock.observe(sent, clock.localNow(), response.date);
      return response;
    };
  return {
    getObject: timed((req) => storage.getObject(req)),
    putObject: timed((req) => storage.putObject(req)),
    deleteObject: timed((req) => storage.deleteObject(req)),
    listObjects: timed((req) => storage.listObjects(req)),
  };
}
