import type { Env, TimerHandle } from "../impl/env.ts";

export interface CrashableEnv {
  env: Env;
  /** Cancels every pending timer; timers set afterwards are never scheduled. */
  crash(): void;
}

/**
 * `inner` with a kill switch, for killing a client abruptly: after `crash()`
 * none of its timers fires, so a dead client's polling and retries stop and a
 * virtual clock can run idle. Its clock and randomness keep working.
 */
export function crashableEnv(inner: Env): CrashableEnv {
  const pending = new Set<TimerHandle>();
  let crashed = false;
  const env: Env = {
    now: () => inner.now(),
    random: () => inner.random(),
    setTimeout: (fn, ms) => {
      if (crashed) return undefined;
      const handle = inner.setTimeout(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      pending.delete(handle);
      inner.clearTimeout(handle);
    },
  };
  const crash = () => {
    crashed = true;
    for (const handle of pending) inner.clearTimeout(handle);
    pending.clear();
  };
  return { env, crash };
}
