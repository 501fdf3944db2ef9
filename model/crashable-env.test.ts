import { describe, expect, it } from "vitest";
import { realEnv } from "../impl/env.ts";
import { crashableEnv } from "./crashable-env.ts";
import { VirtualClock } from "./virtual-clock.ts";

describe("crashableEnv", () => {
  it("runs timers as its inner env does until the crash", async () => {
    const clock = new VirtualClock();
    const { env } = crashableEnv(clock.env({ skewMs: 500 }));
    const fired: number[] = [];
    env.setTimeout(() => fired.push(1), 10);
    const cleared = env.setTimeout(() => fired.push(2), 20);
    env.clearTimeout(cleared);
    await clock.runUntilIdle();
    expect(fired).toEqual([1]);
    expect(env.now()).toBe(clock.now() + 500);
  });

  it("after a crash fires no timer, pending or new, so the clock runs idle; time and randomness go on", async () => {
    const clock = new VirtualClock();
    const { env, crash } = crashableEnv(clock.env());
    let fired = 0;
    const poll = () => {
      fired++;
      env.setTimeout(poll, 100);
    };
    env.setTimeout(poll, 100);
    await clock.runFor(1_000);
    const before = fired;
    crash();
    expect(clock.pendingTimers).toBe(0);
    const handle = env.setTimeout(() => fired++, 1);
    env.clearTimeout(handle);
    expect(clock.pendingTimers).toBe(0);
    await clock.runUntilIdle();
    expect(fired).toBe(before);
    await clock.runFor(1_000);
    expect(env.now()).toBe(clock.now());
    expect(env.random()).toBeGreaterThanOrEqual(0);
  });

  it("works on the real clock: a timer set before the crash never fires", async () => {
    const { env, crash } = crashableEnv(realEnv);
    let fired = false;
    env.setTimeout(() => (fired = true), 5);
    crash();
    await new Promise((resolve) => globalThis.setTimeout(resolve, 20));
    expect(fired).toBe(false);
  });
});
