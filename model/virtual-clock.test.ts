import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "./seeded-random.ts";
import { DEFAULT_EPOCH_MS, VirtualClock } from "./virtual-clock.ts";

describe("VirtualClock", () => {
  it("starts at the default epoch or the configured one", () => {
    expect(new VirtualClock().now()).toBe(DEFAULT_EPOCH_MS);
    expect(new VirtualClock({ epochMs: 5 }).now()).toBe(5);
  });

  it("fires timers in time order, ties in scheduling order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }), async (delays) => {
        const clock = new VirtualClock();
        const fired: { index: number; at: number }[] = [];
        delays.forEach((delay, index) => clock.schedule(() => fired.push({ index, at: clock.now() }), delay));
        await clock.runUntilIdle();
        const expected = delays
          .map((delay, index) => ({ index, at: DEFAULT_EPOCH_MS + delay }))
          .sort((a, b) => a.at - b.at || a.index - b.index);
        expect(fired).toEqual(expected);
      }),
    );
  });

  it("does not fire cancelled timers", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const cancelled = clock.schedule(() => fired.push("cancelled"), 10);
    clock.schedule(() => fired.push("kept"), 20);
    clock.cancel(cancelled);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntilIdle();
    expect(fired).toEqual(["kept"]);
    clock.cancel(cancelled);
    expect(clock.pendingTimers).toBe(0);
  });

  it("runFor fires what is due, no more, and ends exactly at now + ms", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    const fired: number[] = [];
    for (const delay of [5, 10, 11]) clock.schedule(() => fired.push(delay), delay);
    await clock.runFor(10);
    expect(fired).toEqual([5, 10]);
    expect(clock.now()).toBe(10);
    await clock.runFor(100);
    expect(fired).toEqual([5, 10, 11]);
    expect(clock.now()).toBe(110);
  });

  it("completes promise chains a timer starts before firing the next timer", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    const events: string[] = [];
    clock.schedule(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => events.push("chain of first"));
    }, 1);
    clock.schedule(() => events.push("second"), 1);
    await clock.runFor(1);
    expect(events).toEqual(["chain of first", "second"]);
  });

  it("runUntilSettled returns the value once the awaited timers fire", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.schedule(resolve, ms));
    const work = (async () => {
      await sleep(100);
      await sleep(50);
      return clock.now();
    })();
    await expect(clock.runUntilSettled(work)).resolves.toBe(150);
  });

  it("runUntilSettled rethrows the promise's rejection", async () => {
    const clock = new VirtualClock();
    const failing = new Promise((_, reject) => clock.schedule(() => reject(new Error("boom")), 5));
    await expect(clock.runUntilSettled(failing)).rejects.toThrow("boom");
  });

  it("runUntilSettled throws when maxMs passes first, leaving time at the bound", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    const late = new Promise<void>((resolve) => clock.schedule(() => resolve(), 1_000));
    await expect(clock.runUntilSettled(late, { maxMs: 999 })).rejects.toThrow(/did not settle within 999/);
    expect(clock.now()).toBe(999);
    await expect(clock.runUntilSettled(late, { maxMs: 1 })).resolves.toBeUndefined();
  });

  it("runUntilSettled reports a deadlock when nothing is scheduled", async () => {
    const clock = new VirtualClock();
    await expect(clock.runUntilSettled(new Promise(() => {}))).rejects.toThrow(/deadlock/);
  });

  it("every driver throws when a self-rescheduling timer exceeds maxSteps", async () => {
    const clock = new VirtualClock();
    const spin = () => void clock.schedule(spin, 0);
    spin();
    await expect(clock.runFor(1, { maxSteps: 100 })).rejects.toThrow(/runFor\(1\): fired 100 timers/);
    await expect(clock.runUntilIdle({ maxSteps: 100 })).rejects.toThrow(/runUntilIdle: fired 100 timers/);
    await expect(clock.runUntilSettled(new Promise(() => {}), { maxSteps: 100 })).rejects.toThrow(
      /runUntilSettled: fired 100 timers/,
    );
  });

  it("runUntilIdle throws when timers remain after maxMs", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    const tick = () => void clock.schedule(tick, 1_000);
    tick();
    await expect(clock.runUntilIdle({ maxMs: 10_000 })).rejects.toThrow(/timers still pending after 10000/);
    expect(clock.now()).toBe(10_000);
  });

  it("rounds delays up to whole ms and clamps negative ones to 0, rejecting non-finite", () => {
    const clock = new VirtualClock({ epochMs: 0 });
    expect(clock.schedule(() => {}, 0.2).at).toBe(1);
    expect(clock.schedule(() => {}, -5).at).toBe(0);
    expect(() => clock.schedule(() => {}, Number.NaN)).toThrow(RangeError);
    expect(() => clock.schedule(() => {}, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("simulates a minute of 10 ms ticks in well under a real second", async () => {
    const clock = new VirtualClock();
    let ticks = 0;
    const tick = () => {
      ticks++;
      void Promise.resolve().then(() => clock.schedule(tick, 10));
    };
    clock.schedule(tick, 10);
    const started = performance.now();
    await clock.runFor(60_000);
    expect(ticks).toBe(6_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("VirtualClock.env", () => {
  it("reads virtual time plus skew", async () => {
    const clock = new VirtualClock({ epochMs: 1_000 });
    const env = clock.env({ skewMs: -300 });
    expect(env.now()).toBe(700);
    await clock.runFor(500);
    expect(env.now()).toBe(1_200);
  });

  it("accumulates drift from its creation", async () => {
    const clock = new VirtualClock({ epochMs: 0 });
    await clock.runFor(1_000_000);
    const fast = clock.env({ driftPpm: 1_000 });
    const slow = clock.env({ driftPpm: -1_000 });
    await clock.runFor(60_000);
    expect(fast.now()).toBe(1_060_060);
    expect(slow.now()).toBe(1_059_940);
  });

  it("measures timer delays in the client's own time", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -500_000, max: 500_000 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        async (driftPpm, skewMs, delay) => {
          const clock = new VirtualClock();
          const env = clock.env({ driftPpm, skewMs });
          const setAt = env.now();
          let firedAt = Number.NaN;
          env.setTimeout(() => (firedAt = env.now()), delay);
          await clock.runUntilIdle();
          // The clock fires on whole virtual ms, so up to one virtual ms (times the rate) late.
          expect(firedAt - setAt).toBeGreaterThanOrEqual(delay - 1);
          expect(firedAt - setAt).toBeLessThanOrEqual(delay + 2);
        },
      ),
    );
  });

  it("clears its timers, and ignores clearing nothing", async () => {
    const clock = new VirtualClock();
    const env = clock.env();
    let fired = false;
    const handle = env.setTimeout(() => (fired = true), 10);
    env.clearTimeout(handle);
    env.clearTimeout(undefined);
    await clock.runFor(100);
    expect(fired).toBe(false);
  });

  it("draws random from a seeded stream: distinct per env, replayed per clock seed", () => {
    const draws = (seed: number) => {
      const clock = new VirtualClock({ seed });
      return [clock.env(), clock.env()].map((env) => [env.random(), env.random()]);
    };
    const [first, second] = draws(9);
    expect(first).not.toEqual(second);
    expect(draws(9)).toEqual([first, second]);
    expect(draws(10)).not.toEqual([first, second]);
  });

  it("takes an explicit random stream", () => {
    const env = new VirtualClock().env({ random: new SeededRandom(3) });
    expect(env.random()).toBe(new SeededRandom(3).next());
  });

  it("rejects a drift that would stop or reverse the clock", () => {
    expect(() => new VirtualClock().env({ driftPpm: -1_000_000 })).toThrow(RangeError);
  });
});
