/**
 * Everything the client takes from the outside world besides storage: the
 * local clock, timers and randomness. The simulator supplies a virtual one so
 * whole clients run deterministically from a seed.
 */
export interface Env {
  /** Local wall-clock time in ms since the epoch (may be skewed). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Uniform in [0, 1). */
  random(): number;
}

export type TimerHandle = unknown;

export const realEnv: Env = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
  random: () => Math.random(),
};
