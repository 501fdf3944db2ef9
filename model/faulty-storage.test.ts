import { describe, expect, it } from "vitest";
import { withRequestTimeout } from "../impl/request-timeout.ts";
import { StorageError } from "../impl/storage.ts";
import { uniformDelay } from "./delay-distributions.ts";
import { FaultyStorage, type FaultEvent, type FaultRates, type FaultyStorageOptions } from "./faulty-storage.ts";
import type { LatencyModel } from "./sim-request.ts";
import { BUCKET, simulation } from "./test-harness.ts";

const TIMEOUT_MS = 1_000;

/**
 * A simulator behind a nemesis, with calls that drive the clock and report
 * failures as values. The calls go through a client's request timeout, as
 * every client's do: the nemesis itself never answers what it lost.
 */
function nemesis(
  rates: Partial<FaultRates>,
  { seed = 1, latency, ...options }: Partial<FaultyStorageOptions> & { seed?: number; latency?: LatencyModel } = {},
) {
  const simulated = simulation({ seed, ...(latency && { latency }) });
  const { clock, sim } = simulated;
  const events: FaultEvent[] = [];
  const storage = new FaultyStorage(sim, {
    env: clock.env(),
    random: clock.random.fork("nemesis"),
    rates,
    onFault: (event) => events.push(event),
    ...options,
  });
  const client = withRequestTimeout(storage, clock.env(), TIMEOUT_MS);
  const outcome = <T>(call: Promise<T>) => clock.runUntilSettled(call.catch((error: unknown) => error as StorageError));
  return {
    ...simulated,
    storage,
    client,
    events,
    outcome,
    put: (key: string, body = key) => outcome(client.putObject({ bucket: BUCKET, key, body })),
    get: (key: string) => outcome(client.getObject({ bucket: BUCKET, key })),
    stored: (key: string) => sim.rawGet(BUCKET, key) !== undefined,
  };
}

/** Lets a call start, the clock moving only as far as `ms`. */
const elapsed = async (world: ReturnType<typeof nemesis>, call: () => Promise<unknown>) => {
  const start = world.clock.now();
  const result = await call();
  return { result, ms: world.clock.now() - start };
};

describe("FaultyStorage without faults", () => {
  it("answers exactly as the store it wraps, at the same virtual times", async () => {
    const latency: LatencyModel = (_, random) => ({ uplinkMs: random.int(0, 30), downlinkMs: random.int(0, 30) });
    const bare = simulation({ seed: 7, latency });
    const wrapped = nemesis({}, { seed: 7, latency });
    const script = async (storage: typeof bare.sim, settle: typeof bare.settle, now: () => number) => {
      const answers: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        answers.push(await settle(storage.putObject({ bucket: BUCKET, key: `k${i % 3}`, body: `${i}` })), now());
      }
      answers.push(await settle(storage.listObjects({ bucket: BUCKET, prefix: "" })), now());
      answers.push(await settle(storage.getObject({ bucket: BUCKET, key: "k1" })), now());
      answers.push(await settle(storage.deleteObject({ bucket: BUCKET, key: "k1" })), now());
      answers.push(await settle(storage.getObject({ bucket: "missing", key: "k" }).catch((e: unknown) => e)), now());
      return answers;
    };
    const expected = await script(bare.sim, bare.settle, () => bare.clock.now());
    const actual = await script(wrapped.storage as unknown as typeof bare.sim, wrapped.settle, () => wrapped.clock.now());
    expect(actual).toEqual(expected);
    expect(wrapped.events).toEqual([]);
    expect(wrapped.storage.requests).toBe(9);
    expect(wrapped.clock.pendingTimers).toBe(0);
  });

  it("refuses rates outside [0, 1] and failure rates summing past 1", () => {
    expect(() => nemesis({ lostRequest: 1.5 })).toThrow(/lostRequest must be in \[0, 1\]/);
    expect(() => nemesis({ delay: -0.1 })).toThrow(/delay must be in/);
    expect(() => nemesis({ lostRequest: 0.6, slowDown: 0.6 })).toThrow(/sum to 1.2/);
    expect(() => nemesis({ delay: 1, lostRequest: 0.5, lostResponse: 0.5 })).not.toThrow();
  });
});

describe("FaultyStorage faults", () => {
  it("lost response: the write is applied, the client times out, ambiguously", async () => {
    const world = nemesis({ lostResponse: 1 });
    const { result, ms } = await elapsed(world, () => world.put("k"));
    expect(result).toBeInstanceOf(StorageError);
    expect(result).toMatchObject({ code: "RequestTimeout", retryable: true, ambiguous: true, status: undefined });
    expect(ms).toBe(TIMEOUT_MS);
    expect(world.stored("k")).toBe(true);
    expect(world.events).toEqual([{ fault: "lostResponse", request: "put", key: "k", at: expect.any(Number), applied: true }]);
  });

  it("a timed-out read is not ambiguous: it changed nothing either way", async () => {
    const world = nemesis({ lostResponse: 1 });
    expect(await world.get("k")).toMatchObject({ code: "RequestTimeout", retryable: true, ambiguous: false });
  });

  it("lost request: never reaches the store, and the client sees the same timeout", async () => {
    const world = nemesis({ lostRequest: 1 });
    const { result, ms } = await elapsed(world, () => world.put("k"));
    expect(result).toMatchObject({ code: "RequestTimeout", retryable: true, ambiguous: true });
    expect(ms).toBe(TIMEOUT_MS);
    expect(world.stored("k")).toBe(false);
    expect(world.sim.stats().requests.put).toBe(0);
    expect(world.storage.faults()).toMatchObject({ lostRequest: 1 });
  });

  it("connection refused: fails at once, unambiguously, and is not applied", async () => {
    const world = nemesis({ refused: 1 });
    const { result, ms } = await elapsed(world, () => world.put("k"));
    expect(result).toMatchObject({ code: "ECONNREFUSED", retryable: true, ambiguous: false, status: undefined });
    expect(ms).toBe(0);
    expect(world.stored("k")).toBe(false);
  });

  it("503 SlowDown: not applied, retryable, unambiguous", async () => {
    const world = nemesis({ slowDown: 1 });
    expect(await world.put("k")).toMatchObject({ status: 503, code: "SlowDown", retryable: true, ambiguous: false });
    expect(world.stored("k")).toBe(false);
    expect(world.sim.stats().requests.put).toBe(0);
  });

  it("500 InternalError: ambiguous, applied in some requests and not in others, as the event says", async () => {
    const world = nemesis({ internalError: 1 });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (const key of keys) {
      expect(await world.put(key)).toMatchObject({ status: 500, code: "InternalError", retryable: true, ambiguous: true });
    }
    const applied = world.events.map((event) => event.applied);
    expect(applied).toEqual(keys.map((key) => world.stored(key)));
    expect(applied.filter(Boolean).length).toBeGreaterThan(5);
    expect(applied.filter((a) => !a).length).toBeGreaterThan(5);
  });

  it("500 InternalError: whether the first write is applied depends on the seed", async () => {
    const firstApplied = async (seed: number) => {
      const world = nemesis({ internalError: 1 }, { seed });
      await world.put("k");
      return world.stored("k");
    };
    const outcomes = await Promise.all(Array.from({ length: 16 }, (_, seed) => firstApplied(seed)));
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });

  it("extra latency on both hops returns answers out of order", async () => {
    const world = nemesis({ delay: 1 }, { delay: uniformDelay(1, 200) });
    const start = world.clock.now();
    const order: number[] = [];
    const calls = Array.from({ length: 20 }, (_, i) =>
      world.storage.putObject({ bucket: BUCKET, key: `k${i}`, body: "" }).then(() => order.push(i)),
    );
    await world.settle(Promise.all(calls));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(world.storage.faults().delay).toBe(20);
    expect(world.clock.now() - start).toBeLessThanOrEqual(400);
  });

  it("a lost response delayed past the timeout: the client gives up, then the write lands", async () => {
    const world = nemesis({ delay: 1, lostResponse: 1 }, { delay: uniformDelay(3 * TIMEOUT_MS, 3 * TIMEOUT_MS) });
    const { result, ms } = await elapsed(world, () => world.put("k"));
    expect(result).toMatchObject({ code: "RequestTimeout", ambiguous: true });
    expect(ms).toBe(TIMEOUT_MS);
    expect(world.stored("k")).toBe(false);
    await world.clock.runUntilIdle();
    expect(world.stored("k")).toBe(true);
    expect(world.storage.faults()).toMatchObject({ delay: 1, lostResponse: 1 });
  });

  it("never gives up itself on an answer no fault struck, however slow", async () => {
    const world = nemesis({ delay: 1 }, { delay: uniformDelay(TIMEOUT_MS, TIMEOUT_MS), latency: () => ({ uplinkMs: TIMEOUT_MS, downlinkMs: 0 }) });
    const { result, ms } = await elapsed(world, () => world.outcome(world.storage.putObject({ bucket: BUCKET, key: "k", body: "" })));
    expect(result).toMatchObject({ status: 200 });
    expect(ms).toBe(3 * TIMEOUT_MS);
  });

  it("counts every fault by kind, as the events report them", async () => {
    const world = nemesis({ delay: 0.3, lostRequest: 0.1, refused: 0.1, slowDown: 0.1, internalError: 0.1, lostResponse: 0.1 });
    for (let i = 0; i < 200; i++) await world.put(`k${i % 7}`);
    const faults = world.storage.faults();
    const counted = Object.fromEntries(
      Object.keys(faults).map((kind) => [kind, world.events.filter((event) => event.fault === kind).length]),
    );
    expect(faults).toEqual(counted);
    for (const kind of ["delay", "lostRequest", "refused", "slowDown", "internalError", "lostResponse"] as const) {
      expect(faults[kind]).toBeGreaterThan(5);
    }
    expect(world.storage.requests).toBe(200);
  });

  it("heal and setRates change the faults of the requests made afterwards", async () => {
    const world = nemesis({ slowDown: 1 });
    world.storage.setRates({ lostRequest: 1 });
    expect(world.storage.rates).toMatchObject({ slowDown: 0, lostRequest: 1 });
    expect(await world.put("a")).toMatchObject({ code: "RequestTimeout" });
    world.storage.partition(60_000);
    world.storage.heal();
    expect(world.storage.partitioned).toBe(false);
    expect(await world.put("b")).toMatchObject({ status: 200 });
    expect(world.storage.faults()).toMatchObject({ slowDown: 0, lostRequest: 1 });
  });
});

describe("FaultyStorage revoked access", () => {
  it("answers 403 AccessDenied, not applied, neither retryable nor ambiguous, while revoked, and only then", async () => {
    const world = nemesis({});
    world.storage.deny(1_000);
    expect(await world.put("k")).toMatchObject({ status: 403, code: "AccessDenied", retryable: false, ambiguous: false });
    expect(world.stored("k")).toBe(false);
    expect(world.events).toEqual([expect.objectContaining({ fault: "denied", request: "put", applied: false })]);
    await world.clock.runUntilSettled(new Promise<void>((resolve) => world.clock.env().setTimeout(() => resolve(), 1_000)));
    expect(await world.put("k")).toMatchObject({ status: 200 });
    expect(world.storage.faults().denied).toBe(1);
  });
});

describe("FaultyStorage stalled listings", () => {
  it("a listing stalls on empty truncated pages until healed, then goes on from where it stalled", async () => {
    const world = nemesis({});
    for (const key of ["a", "b", "c"]) await world.put(key);
    type Page = Awaited<ReturnType<typeof world.storage.listObjects>>;
    const list = async (continuationToken?: string) =>
      (await world.outcome(world.client.listObjects({ bucket: BUCKET, prefix: "", maxKeys: 2, ...(continuationToken && { continuationToken }) }))) as Page;
    const first = await list();
    world.storage.stallListing();
    let token = first.nextContinuationToken;
    for (let i = 0; i < 3; i++) {
      const stalled = await list(token);
      expect([stalled.contents, stalled.isTruncated, typeof stalled.date]).toEqual([[], true, "number"]);
      if (i > 0) expect(stalled.nextContinuationToken).toBe(token);
      token = stalled.nextContinuationToken;
    }
    expect((await list()).contents.map((o) => o.key)).toEqual(["a", "b"]);
    world.storage.heal();
    const rest = await list(token);
    expect([rest.contents.map((o) => o.key), rest.isTruncated]).toEqual([["c"], false]);
  });

  it("a listing that stalls at its first page starts from the beginning once healed", async () => {
    const world = nemesis({});
    for (const key of ["a", "b"]) await world.put(key);
    world.storage.stallListing();
    const stalled = (await world.outcome(world.client.listObjects({ bucket: BUCKET, prefix: "", startAfter: "a" }))) as Awaited<ReturnType<typeof world.storage.listObjects>>;
    expect([stalled.contents, stalled.isTruncated]).toEqual([[], true]);
    world.storage.heal();
    const resumed = await world.outcome(world.client.listObjects({ bucket: BUCKET, prefix: "", continuationToken: stalled.nextContinuationToken! }));
    expect(resumed).toMatchObject({ contents: [{ key: "b" }], isTruncated: false });
  });
});

describe("FaultyStorage partitions", () => {
  it("stores nothing sent during the window and everything after it", async () => {
    const world = nemesis({});
    world.storage.partition(3_000);
    expect(world.storage.partitioned).toBe(true);
    const during = await world.put("during");
    expect(during).toMatchObject({ code: "RequestTimeout", ambiguous: true });
    expect(await world.get("during")).toMatchObject({ code: "RequestTimeout", ambiguous: false });
    await world.clock.runFor(1_000);
    expect(world.storage.partitioned).toBe(false);
    expect(await world.put("after")).toMatchObject({ status: 200 });
    expect(world.stored("during")).toBe(false);
    expect(world.stored("after")).toBe(true);
    expect(world.storage.faults().partitioned).toBe(2);
  });

  it("loses the answer of a write applied just before the partition began", async () => {
    const world = nemesis({}, { latency: () => ({ uplinkMs: 10, downlinkMs: 10 }) });
    const put = world.client.putObject({ bucket: BUCKET, key: "k", body: "" });
    await world.clock.runFor(15);
    world.storage.partition(100);
    expect(await world.outcome(put)).toMatchObject({ code: "RequestTimeout", ambiguous: true });
    expect(world.stored("k")).toBe(true);
    expect(world.events).toEqual([expect.objectContaining({ fault: "partitioned", applied: true })]);
  });

  it("extends a partition in progress, never shortens it", async () => {
    const world = nemesis({});
    world.storage.partition(5_000);
    world.storage.partition(1_000);
    await world.clock.runFor(4_000);
    expect(world.storage.partitioned).toBe(true);
    await world.clock.runFor(1_000);
    expect(world.storage.partitioned).toBe(false);
  });

  it("cuts off only its own client", async () => {
    const world = nemesis({});
    const other = new FaultyStorage(world.sim, { env: world.clock.env(), random: world.clock.random.fork("other") });
    world.storage.partition(10_000);
    await world.settle(other.putObject({ bucket: BUCKET, key: "k", body: "" }));
    expect(world.stored("k")).toBe(true);
  });
});

describe("FaultyStorage crash", () => {
  it("never settles a call again, sends nothing more, and leaves the clock idle", async () => {
    const world = nemesis({ delay: 1 }, { delay: uniformDelay(50, 50), latency: () => ({ uplinkMs: 20, downlinkMs: 20 }) });
    let settled = 0;
    const count = () => settled++;
    const handedOver = world.storage.putObject({ bucket: BUCKET, key: "handed-over", body: "" });
    await world.clock.runFor(60);
    const onTheWay = world.storage.putObject({ bucket: BUCKET, key: "on-the-way", body: "" });
    await world.clock.runFor(10);
    world.storage.crash();
    const after = world.storage.putObject({ bucket: BUCKET, key: "after", body: "" });
    for (const call of [handedOver, onTheWay, after]) call.then(count, count);
    await world.clock.runUntilIdle();
    expect(settled).toBe(0);
    expect(world.clock.pendingTimers).toBe(0);
    expect(world.stored("handed-over")).toBe(true);
    expect(world.stored("on-the-way")).toBe(false);
    expect(world.stored("after")).toBe(false);
    expect(world.storage.requests).toBe(2);
  });
});

describe("FaultyStorage determinism", () => {
  const rates = { delay: 0.5, lostRequest: 0.1, refused: 0.05, slowDown: 0.1, internalError: 0.1, lostResponse: 0.1 };

  const run = async (seed: number) => {
    const world = nemesis(rates, { seed, delay: uniformDelay(0, 3_000) });
    const answers = await world.settle(
      Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          world.client.putObject({ bucket: BUCKET, key: `k${i % 9}`, body: `${i}` }).then(
            (response) => response.status,
            (error: StorageError) => error.code,
          ),
        ),
      ),
    );
    await world.clock.runUntilIdle();
    return { answers, events: world.events, faults: world.storage.faults(), stored: world.sim.rawList(BUCKET), end: world.clock.now() };
  };

  it("replays the same faults, answers and store from the same seed", async () => {
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first.events.length).toBeGreaterThan(20);
  });

  it("draws other faults from another seed", async () => {
    expect((await run(43)).events).not.toEqual((await run(42)).events);
  });
});
