import type { SeededRandom } from "./seeded-random.ts";

/** Draws a delay in whole ms. */
export type DelayDistribution = (random: SeededRandom) => number;

/** Uniform in [minMs, maxMs], both inclusive. */
export function uniformDelay(minMs: number, maxMs: number): DelayDistribution {
  if (!(Number.isInteger(minMs) && Number.isInteger(maxMs) && 0 <= minMs && minMs <= maxMs)) {
    throw new RangeError(`uniformDelay(${minMs}, ${maxMs}): bounds must be integers with 0 <= min <= max`);
  }
  return (random) => random.int(minMs, maxMs);
}

/**
 * Pareto: at least `minMs`, above `x` with probability `(minMs / x) ** alpha`,
 * capped at `maxMs`. A small alpha (1 to 2) gives mostly short delays and now
 * and then a very long one.
 */
export function longTailDelay({ minMs, alpha, maxMs }: { minMs: number; alpha: number; maxMs: number }): DelayDistribution {
  if (!(minMs > 0 && alpha > 0 && maxMs >= minMs && Number.isFinite(maxMs))) {
    throw new RangeError(`longTailDelay: need 0 < minMs <= maxMs (finite) and alpha > 0`);
  }
  return (random) => Math.min(maxMs, Math.round(minMs / (1 - random.next()) ** (1 / alpha)));
}

/** Mostly tens of ms; about 1 in 250 delays over a second, at most 10 s. */
export const DEFAULT_EXTRA_DELAY: DelayDistribution = longTailDelay({ minMs: 10, alpha: 1.2, maxMs: 10_000 });
