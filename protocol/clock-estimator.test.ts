import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockEstimator } from "./clock-estimator.ts";

describe("clock estimator", () => {
  it("brackets the true offset from whole-second Date headers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -60_000, max: 60_000 }),
        fc.array(fc.tuple(fc.nat({ max: 5_000 }), fc.nat({ max: 300 }), fc.nat({ max: 300 })), { minLength: 1, maxLength: 30 }),
        (offset, exchanges) => {
          const estimator = new ClockEstimator();
          let local = 1_700_000_000_000;
          for (const [gap, up, down] of exchanges) {
            local += gap;
            const stamped = local + up + offset;
            estimator.observe(local, local + up + down, Math.floor(stamped / 1000) * 1000);
            local += up + down;
          }
          const interval = estimator.interval()!;
          expect(interval.lo).toBeLessThanOrEqual(offset);
          expect(interval.hi).toBeGreaterThanOrEqual(offset);
          expect(Math.abs(estimator.offsetMs() - offset)).toBeLessThanOrEqual(1_000 + 600);
        },
      ),
    );
  });

  it("falls back to the given offset before any Date, and restarts after a clock step", () => {
    const estimator = new ClockEstimator(250);
    expect(estimator.offsetMs()).toBe(250);
    estimator.observe(0, 10, 5_000);
    estimator.observe(100, 110, 90_000);
    expect(estimator.interval()).toEqual({ lo: 90_000 - 110, hi: 91_000 - 100 });
  });

  it("keeps the recent narrow samples a slow response agrees with, dropping only the oldest", () => {
    const estimator = new ClockEstimator();
    estimator.observe(0, 0, 0);
    estimator.observe(10_000, 10_000, 10_900);
    estimator.observe(20_000, 117_500, 119_000);
    expect(estimator.interval()).toEqual({ lo: 1_500, hi: 1_900 });
  });
});
