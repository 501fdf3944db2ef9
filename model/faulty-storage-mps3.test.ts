/**
 * Smoke tests of real MPS3 clients behind the nemesis: they must lose no
 * acknowledged write and converge once the faults stop.
 */
import { describe, expect, it } from "vitest";
import type { LogLevel } from "../impl/logger.ts";
import { MPS3 } from "../impl/mps3.ts";
import { DEFAULT_BOUNDS, lagMs } from "../protocol/bounds.ts";
import type { Json } from "../protocol/json-value.ts";
import type { ClientEnvOptions } from "./client-env.ts";
import { crashableEnv } from "./crashable-env.ts";
import { FaultyStorage, type FaultCounts, type FaultRates } from "./faulty-storage.ts";
import { S3Simulator } from "./s3-simulator.ts";
import { aws, laggyListings, type VendorProfile } from "./vendor-profiles.ts";
import { flushMicrotasks, VirtualClock } from "./virtual-clock.ts";

const BUCKET = "smoke";
const SETTLE = { maxMs: 1_200_000 };
const MODERATE: Partial<FaultRates> = {
  delay: 0.2,
  lostRequest: 0.04,
  refused: 0.03,
  slowDown: 0.05,
  internalError: 0.05,
  lostResponse: 0.04,
};

function faultyWorld(seed: number, rates: Partial<FaultRates>, profile: VendorProfile = aws) {
  const clock = new VirtualClock({ seed });
  const sim = new S3Simulator(clock, {
    profile,
    latency: (_, random) => ({ uplinkMs: random.int(1, 30), downlinkMs: random.int(1, 30) }),
  });
  sim.createBucket(BUCKET, { versioning: false });
  const errors: string[] = [];
  const nemeses: FaultyStorage[] = [];
  let started = 0;
  const client = (clockOptions: Omit<ClientEnvOptions, "random"> = {}) => {
    const id = started++;
    const { env, crash: stopTimers } = crashableEnv(clock.env({ ...clockOptions, random: clock.random.fork(`env-${id}`) }));
    const storage = new FaultyStorage(sim, { env, random: clock.random.fork(`nemesis-${id}`), rates });
    nemeses.push(storage);
    const mps3 = new MPS3({
      defaultBucket: BUCKET,
      storage,
      env,
      pollFrequency: 200,
      requestTimeoutMs: 5_000,
      log: (level: LogLevel, message: string) => {
        if (level === "error") errors.push(`c${id}: ${message}`);
      },
    });
    const crash = () => {
      storage.crash();
      stopTimers();
    };
    return { mps3, storage, crash };
  };
  const settle = <T>(promise: Promise<T>) => clock.runUntilSettled(promise, SETTLE);
  const healAll = () => nemeses.forEach((storage) => storage.heal());
  const faults = () => {
    const total: Record<string, number> = {};
    for (const storage of nemeses) for (const [kind, n] of Object.entries(storage.faults())) total[kind] = (total[kind] ?? 0) + n;
    return total as FaultCounts;
  };
  return { clock, sim, client, settle, healAll, faults, errors };
}

type Written = { key: string; value: Json; acked: boolean };

/** Starts `count` writes from `mps3`, spaced by `gapMs`, half to a shared key; returns their outcomes. */
async function writeSome(
  world: ReturnType<typeof faultyWorld>,
  mps3: MPS3,
  name: string,
  count: number,
  gapMs: number,
): Promise<Array<Promise<Written>>> {
  const writes: Array<Promise<Written>> = [];
  for (let i = 0; i < count; i++) {
    const key = i % 2 === 0 ? "shared" : `${name}-${i}`;
    const value = { name, i };
    writes.push(mps3.put(key, value).then(
      () => ({ key, value, acked: true }),
      () => ({ key, value, acked: false }),
    ));
    await world.clock.runFor(gapMs);
  }
  return writes;
}

/** Every client's value of every key, read once the faults are healed and the log settled. */
async function finalViews(world: ReturnType<typeof faultyWorld>, clients: MPS3[], keys: string[]) {
  world.healAll();
  await world.clock.runFor(lagMs(DEFAULT_BOUNDS) + 2_000);
  return world.settle(Promise.all(clients.map((client) => Promise.all(keys.map((key) => client.get(key))))));
}

describe("MPS3 behind the nemesis", () => {
  for (const profile of [aws, laggyListings(1_500)]) {
    it(`skewed clients lose no acknowledged write and converge after the faults stop (${profile.name})`, async () => {
      const world = faultyWorld(11, MODERATE, profile);
      const clients = [
        world.client({ skewMs: -3_000, driftPpm: 200 }),
        world.client({ skewMs: 0 }),
        world.client({ skewMs: 2_500, driftPpm: -150 }),
      ];
      clients.forEach(({ mps3 }) => mps3.subscribe("shared", () => {}));
      const started = await Promise.all(clients.map(({ mps3 }, c) => writeSome(world, mps3, `c${c}`, 12, 150 + 40 * c)));
      clients[1]!.storage.partition(8_000);
      const written = await world.settle(Promise.all(started.flat()));
      const keys = [...new Set(written.map((w) => w.key))];
      const views = await finalViews(world, clients.map((c) => c.mps3), keys);

      expect(written.every((w) => w.acked)).toBe(true);
      expect(views[1]).toEqual(views[0]);
      expect(views[2]).toEqual(views[0]);
      for (const { key, value } of written.filter((w) => w.key !== "shared")) {
        expect(views[0]![keys.indexOf(key)]).toEqual(value);
      }
      expect(written.map((w) => w.value)).toContainEqual(views[0]![keys.indexOf("shared")]);
      const faults = world.faults();
      for (const kind of Object.keys(MODERATE) as Array<keyof FaultRates>) expect(faults[kind]).toBeGreaterThan(0);
      expect(world.errors).toEqual([]);
      await world.settle(Promise.all(clients.map(({ mps3 }) => mps3.shutdown())));
    });
  }

  it("a crashed client stops for good, the clock runs idle, and its acknowledged writes survive", async () => {
    const world = faultyWorld(5, MODERATE);
    const doomed = world.client({ skewMs: 1_000 });
    const survivor = world.client();
    doomed.mps3.subscribe("shared", () => {});
    survivor.mps3.subscribe("shared", () => {});
    const before = await world.settle(Promise.all(await writeSome(world, doomed.mps3, "doomed", 6, 100)));
    let lateSettled = 0;
    const inFlight = await writeSome(world, doomed.mps3, "doomed-late", 4, 10);
    inFlight.forEach((write) => void write.then(() => lateSettled++));
    await flushMicrotasks();
    doomed.crash();
    const settledAtCrash = lateSettled;
    const written = await world.settle(Promise.all(await writeSome(world, survivor.mps3, "survivor", 6, 100)));
    await world.settle(survivor.mps3.shutdown());
    await world.clock.runUntilIdle();
    expect(world.clock.pendingTimers).toBe(0);
    expect(settledAtCrash).toBeLessThan(inFlight.length);
    expect(lateSettled).toBe(settledAtCrash);

    const restarted = world.client();
    const acked = [...before, ...written].filter((w) => w.acked);
    expect(acked.length).toBe(12);
    const keys = [...new Set(acked.map((w) => w.key))];
    const [view] = await finalViews(world, [restarted.mps3], keys);
    for (const { key, value } of acked.filter((w) => w.key !== "shared")) expect(view![keys.indexOf(key)]).toEqual(value);
    await world.settle(restarted.mps3.shutdown());
  });
});
