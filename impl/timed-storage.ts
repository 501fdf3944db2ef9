import type { StoreClock } from "./store-clock.ts";
import { interceptStorage, type Storage } from "./storage.ts";

/** Passes every response's Date header, with its round-trip times, to the clock. */
export function timedStorage(storage: Storage, clock: StoreClock): Storage {
  return interceptStorage(storage, async (_, send) => {
    const sent = clock.localNow();
    const response = await send();
    clock.observe(sent, clock.localNow(), response.date);
    return response;
  });
}
