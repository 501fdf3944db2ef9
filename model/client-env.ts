import type { Env } from "../impl/env.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { ClockTimer, VirtualClock } from "./virtual-clock.ts";

export interface ClientEnvOptions {
  /** Constant offset of the client's clock from virtual time, in ms. */
  skewMs?: number;
  /** Rate error of the client's clock in parts per million (+100: gains 0.1 ms per s). */
  driftPpm?: number;
  random: SeededRandom;
}

/**
 * A client's view of a virtual clock. Its `now()` is virtual time plus skew
 * plus drift accumulated since the env was created, in whole ms like
 * `Date.now()`; its timer delays are in its own time, so a fast clock fires
 * them early in virtual time.
 */
export function clientEnv(clock: VirtualClock, { skewMs = 0, driftPpm = 0, random }: ClientEnvOptions): Env {
  if (!(driftPpm > -1_000_000)) {
    throw new RangeError(`driftPpm must exceed -1,000,000, got ${driftPpm}`);
  }
  const rate = 1 + driftPpm / 1_000_000;
  const createdAt = clock.now();
  return {
    now: () => Math.floor(createdAt + skewMs + (clock.now() - createdAt) * rate),
    setTimeout: (fn, ms) => clock.schedule(fn, ms / rate),
    clearTimeout: (handle) => {
      if (handle !== undefined) clock.cancel(handle as ClockTimer);
    },
    random: () => random.next(),
  };
}
