import { describe, expect, it } from "vitest";
import { longTailDelay, uniformDelay } from "./delay-distributions.ts";
import { SeededRandom } from "./seeded-random.ts";

const draws = (distribution: (random: SeededRandom) => number, n = 10_000) => {
  const random = new SeededRandom(3);
  return Array.from({ length: n }, () => distribution(random));
};

describe("delay distributions", () => {
  it("uniformDelay draws whole ms between its bounds, both reached", () => {
    const delays = draws(uniformDelay(5, 9));
    expect(new Set(delays)).toEqual(new Set([5, 6, 7, 8, 9]));
    expect(() => uniformDelay(9, 5)).toThrow(RangeError);
  });

  it("longTailDelay is mostly short, sometimes very long, never past its cap", () => {
    const delays = draws(longTailDelay({ minMs: 10, alpha: 1.2, maxMs: 5_000 }));
    expect(Math.min(...delays)).toBe(10);
    expect(Math.max(...delays)).toBe(5_000);
    const overOneSecond = delays.filter((ms) => ms > 1_000).length / delays.length;
    expect(overOneSecond).toBeGreaterThan(0.002);
    expect(overOneSecond).toBeLessThan(0.008);
    expect(delays.filter((ms) => ms < 50).length / delays.length).toBeGreaterThan(0.8);
    expect(() => longTailDelay({ minMs: 0, alpha: 1, maxMs: 10 })).toThrow(RangeError);
  });
});
