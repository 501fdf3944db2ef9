import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "./seeded-random.ts";

const draw = (random: SeededRandom, n: number) => Array.from({ length: n }, () => random.next());

describe("SeededRandom", () => {
  it("replays the same sequence from the same seed", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(draw(new SeededRandom(seed), 20)).toEqual(draw(new SeededRandom(seed), 20));
      }),
    );
  });

  it("gives different sequences for different seeds", () => {
    expect(draw(new SeededRandom(1), 5)).not.toEqual(draw(new SeededRandom(2), 5));
  });

  it("draws next() in [0, 1) and roughly uniformly", () => {
    const values = draw(new SeededRandom(7), 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it("draws int(lo, hi) within both bounds, reaching each", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 5 }), (seed, lo, width) => {
        const random = new SeededRandom(seed);
        const seen = new Set(Array.from({ length: 200 }, () => random.int(lo, lo + width)));
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: width + 1 }, (_, i) => lo + i));
      }),
    );
  });

  it("rejects inverted or fractional int bounds", () => {
    expect(() => new SeededRandom(1).int(3, 2)).toThrow(RangeError);
    expect(() => new SeededRandom(1).int(0, 1.5)).toThrow(RangeError);
  });

  it("forks streams that depend on the label, not on the parent's consumption", () => {
    const parent = new SeededRandom(42);
    const early = draw(parent.fork("a"), 5);
    draw(parent, 100);
    expect(draw(parent.fork("a"), 5)).toEqual(early);
    expect(draw(parent.fork("b"), 5)).not.toEqual(early);
    expect(draw(new SeededRandom(43).fork("a"), 5)).not.toEqual(early);
    expect(draw(parent.fork("a"), 5)).not.toEqual(draw(new SeededRandom(42), 5));
  });
});
