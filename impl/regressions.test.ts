/**
 * One test per finding of issue 9: each lost an acknowledged write, corrupted
 * what a client shows, or hung, on the code before its fix.
 */
import { describe, expect, it } from "vitest";
import { checkpointKey } from "../protocol/log-keys.ts";
import type { Json } from "../protocol/json-value.ts";
import { FaultyStorage } from "../model/faulty-storage.ts";
import { SeededRandom } from "../model/seeded-random.ts";
import { MPS3 } from "./mps3.ts";
import { interceptStorage, StorageError } from "./storage.ts";
import { BUCKET, world, type SimulatedWorld } from "./test-world.ts";

const MANIFEST = "manifest.json";
const EVERY_ENTRY = { minEntries: 1, amortizedBytesPerEntry: 1 << 30 };
const MINUTE = 60_000;

/** Lets a writer commit, fold and checkpoint: one put, then a sync once it settled. */
async function churn(w: SimulatedWorld, writer: MPS3, key: string, value: Json): Promise<void> {
  await w.settle(writer.put(key, value));
  await w.pass(20_000);
  await w.settle(writer.get(key));
  await w.pass(1_000);
}

const isLogKey = (key: string) => key.startsWith(`${MANIFEST}@`);

describe("finding 1: an ambiguous PUT resolved late is not fooled by autoclean", () => {
  /**
   * Client a's first log PUT lands but its answer is lost, and its look-ups
   * are answered only `lookUpDelayMs` later; meanwhile b overwrites the key,
   * checkpoints and cleans, `idleMs` into the run as well.
   */
  async function lateLookUp(lookUpDelayMs: number, idleMs: number) {
    const w = world();
    let lostOnce = false;
    let slowLookUps = 0;
    const storage = interceptStorage(w.sim, async (call, send) => {
      if (call.kind === "put" && isLogKey(call.request.key) && !lostOnce) {
        lostOnce = true;
        await send();
        throw new StorageError("response lost", { code: "Timeout", retryable: true, ambiguous: true });
      }
      if (call.kind === "list" && !call.request.prefix.endsWith("@")) {
        slowLookUps++;
        await new Promise((resolve) => w.clock.schedule(() => resolve(undefined), lookUpDelayMs));
      }
      return send();
    });
    const a = w.client({ storage, label: "a", requestTimeoutMs: 2 * lookUpDelayMs, writeTimeoutMs: 2 * lookUpDelayMs });
    const b = w.client({ label: "b", checkpointPolicy: EVERY_ENTRY });
    const outcome = a.put("k", "old").then(
      () => "ok",
      (error: Error) => error.message,
    );
    await w.pass(15_000);
    for (let i = 0; i < 3; i++) await churn(w, b, "k", `new-${i}`);
    await w.pass(idleMs);
    for (let i = 3; i < 6; i++) await churn(w, b, "k", `new-${i}`);
    const settled = await w.settle(outcome);
    expect(slowLookUps).toBeGreaterThan(0);
    await w.quiesce();
    expect(await w.settle(w.client().get("k"))).toBe("new-5");
    expect(await w.settle(a.get("k"))).toBe("new-5");
    await w.shutdownAll();
    return settled;
  }

  it("a look-up answered after two checkpoints and a clean finds the entry: acknowledged, not committed again", async () => {
    expect(await lateLookUp(3 * MINUTE, 0)).toBe("ok");
  });

  it("a look-up answered after the retention horizon cannot tell: the outcome is unknown, not committed again", async () => {
    expect(await lateLookUp(15 * MINUTE, 12 * MINUTE)).toMatch(/outcome is unknown/);
  });
});

describe("finding 2: a warm replica whose log was cleaned falls back to a checkpoint", () => {
  it("an idle reader returns after two checkpoints and a clean, reads the value, and writes no poisoned checkpoint", async () => {
    const w = world();
    const writer = w.client({ label: "writer", checkpointPolicy: EVERY_ENTRY });
    const idle = w.client({ label: "idle", checkpointPolicy: EVERY_ENTRY });
    await churn(w, writer, "early", 0);
    expect(await w.settle(idle.get("early"))).toBe(0);
    await churn(w, writer, "k", "committed");
    const logBefore = w.sim.rawList(BUCKET, `${MANIFEST}@`).map((object) => object.key);
    for (let i = 0; i < 3; i++) {
      await w.pass(10 * MINUTE);
      await churn(w, writer, `other-${i}`, i);
    }
    const logAfter = new Set(w.sim.rawList(BUCKET, `${MANIFEST}@`).map((object) => object.key));
    expect(logBefore.filter((key) => !logAfter.has(key)).length).toBeGreaterThan(2);
    expect(await w.settle(idle.get("k"))).toBe("committed");
    await churn(w, idle, "from-idle", 1);
    await churn(w, idle, "from-idle", 2);
    await w.quiesce();
    expect(await w.settle(w.client().get("k"))).toBe("committed");
    await w.shutdownAll();
  });
});

describe("finding 3: the encoder refuses what the decoder rejects", () => {
  it("a putAll whose entry would exceed the entry size limit fails before it is shown", async () => {
    const w = world();
    const writer = w.client({ inlineThresholdBytes: 4_096 });
    const values = new Map<string, Json>(Array.from({ length: 2_500 }, (_, i) => [`k${i}`, "x".repeat(4_000)]));
    await expect(w.settle(writer.putAll(values))).rejects.toThrow(/entry|bytes/);
    expect(await w.settle(writer.get("k0"))).toBeUndefined();
    expect(w.sim.rawList(BUCKET, `${MANIFEST}@`)).toEqual([]);
    await w.shutdownAll();
  });

  it("writes that group-commit together never make an entry the decoder rejects", async () => {
    const w = world();
    const writer = w.client({ inlineThresholdBytes: 4_096 });
    const half = (n: number) => new Map<string, Json>(Array.from({ length: 1_200 }, (_, i) => [`k${n}-${i}`, "y".repeat(4_000)]));
    await w.settle(Promise.all([writer.putAll(half(0)), writer.putAll(half(1)), writer.putAll(half(2))]));
    const reader = w.client();
    expect(await w.settle(reader.get("k2-1199"))).toBe("y".repeat(4_000));
    expect(w.warnings.filter((m) => m.includes("exceeds"))).toEqual([]);
    await w.shutdownAll();
  });
});

describe("finding 4: values are not aliased", () => {
  it("mutating a value after a non-awaited put does not change what is stored", async () => {
    const w = world();
    const writer = w.client();
    const first = { n: 1 };
    const second: Record<string, Json> = { n: 2 };
    const stored = Promise.all([writer.put("a", first), writer.put("b", second)]);
    second.n = 3;
    let deep: Record<string, Json> = second;
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    await w.settle(stored);
    const reader = w.client();
    expect(await w.settle(reader.get("b"))).toEqual({ n: 2 });
    expect(await w.settle(reader.get("a"))).toEqual({ n: 1 });
    await w.shutdownAll();
  });

  it("what get and subscribe hand out cannot change the client's state", async () => {
    const w = world();
    const writer = w.client({ checkpointPolicy: EVERY_ENTRY });
    await w.settle(writer.put("k", { list: [1] }));
    const read = (await w.settle(writer.get("k"))) as { list: number[] };
    try {
      read.list.push(666);
    } catch {
      // frozen: refusing the mutation is as good as ignoring it
    }
    const seen: Json[] = [];
    writer.subscribe("k", (value) => {
      seen.push(value ?? null);
      try {
        (value as { list: number[] }).list.push(777);
      } catch {
        // idem
      }
    });
    await w.pass(1_000);
    expect(seen.length).toBeGreaterThan(0);
    expect(await w.settle(writer.get("k"))).toEqual({ list: [1] });
    await churn(w, writer, "other", 1);
    await churn(w, writer, "other", 2);
    expect(await w.settle(w.client().get("k"))).toEqual({ list: [1] });
    await w.shutdownAll();
  });
});

describe("finding 5: malformed checkpoints are skipped, never fatal", () => {
  it("a planted checkpoint that looks valid does not stop cold readers", async () => {
    const w = world();
    const writer = w.client();
    await w.settle(writer.put("k", "committed"));
    await w.pass(30_000);
    w.sim.rawPut(BUCKET, checkpointKey(MANIFEST, w.clock.now() - 25_000), "{planted garbage");
    const reader = w.client();
    await w.settle(reader.ready());
    expect(await w.settle(reader.get("k"))).toBe("committed");
    expect(w.warnings.some((m) => m.includes("not JSON"))).toBe(true);
    await w.shutdownAll();
  });
});

describe("finding 6: shutdown waits for every accepted write", () => {
  it("a value waiting for its content upload is committed before shutdown resolves", async () => {
    const w = world();
    const writer = w.client({ inlineThresholdBytes: 32 });
    void writer.put("big", "z".repeat(1_000), { await: "local" });
    await w.settle(writer.shutdown());
    expect(w.sim.rawList(BUCKET, `${MANIFEST}@`)).toHaveLength(1);
    expect(await w.settle(w.client().get("big"))).toBe("z".repeat(1_000));
    await w.shutdownAll();
  });
});

describe("finding 7: no call hangs", () => {
  const bound = { maxMs: 10 * MINUTE };

  it("a storage that throws something other than a StorageError fails the write", async () => {
    const w = world();
    const storage = interceptStorage(w.sim, (call, send) => {
      if (call.kind === "put" && isLogKey(call.request.key)) return Promise.reject(new TypeError("adapter bug"));
      return send();
    });
    const writer = w.client({ storage });
    await expect(w.clock.runUntilSettled(writer.put("k", 1), bound)).rejects.toThrow(/adapter bug/);
    await w.clock.runUntilSettled(writer.shutdown(), bound);
  });

  it("a store that always refuses the connection fails the write within the bound, and shutdown resolves", async () => {
    const w = world();
    const storage = interceptStorage(w.sim, () => Promise.reject(new StorageError("connect ECONNREFUSED", { code: "ECONNREFUSED", retryable: true, ambiguous: false })));
    const writer = w.client({ storage });
    await expect(w.clock.runUntilSettled(writer.put("k", 1), bound)).rejects.toThrow(/ECONNREFUSED/);
    await w.clock.runUntilSettled(writer.shutdown(), bound);
    expect(() => new MPS3({ defaultBucket: "b", s3Config: { region: "r", endpoint: "localhost:9000" } })).toThrow(/endpoint/);
  });

  it("a writer whose entries are never valid fails with an error that names the clock", async () => {
    const w = world();
    const writer = w.client({ envOptions: { skewMs: 60_000 }, adaptiveClock: false });
    await expect(w.clock.runUntilSettled(writer.put("k", 1), bound)).rejects.toThrow(/clock/);
    await w.clock.runUntilSettled(writer.shutdown(), bound);
  });

  it("ready() on a missing bucket rejects", async () => {
    const w = world();
    const reader = w.client({ defaultBucket: "no-such-bucket" });
    reader.subscribe("k", () => undefined);
    await expect(w.clock.runUntilSettled(reader.ready(), bound)).rejects.toThrow(/bucket/i);
    await w.clock.runUntilSettled(reader.shutdown(), bound);
  });

  it("a fractional clock offset works", async () => {
    const w = world();
    const writer = w.client({ clockOffset: 0.5, adaptiveClock: false });
    await w.settle(writer.put("k", 1));
    expect(await w.settle(writer.get("k"))).toBe(1);
    await w.shutdownAll();
  });
});

describe("finding 8: a healed partition heals the client", () => {
  it("a subscriber partitioned for 150 s sees what was written meanwhile", async () => {
    const w = world();
    const env = w.clock.env();
    const faulty = new FaultyStorage(w.sim, { env, random: new SeededRandom(7) });
    const partitioned = w.client({ storage: faulty, label: "partitioned" });
    const seen: Array<Json | undefined> = [];
    partitioned.subscribe("k", (value) => seen.push(value));
    await w.settle(partitioned.ready());
    faulty.partition(150_000);
    await w.pass(5_000);
    await w.settle(w.client().put("k", "written meanwhile"));
    await w.pass(150_000);
    await w.quiesce();
    await w.pass(60_000);
    expect(seen.at(-1)).toBe("written meanwhile");
    expect(await w.settle(partitioned.get("k"))).toBe("written meanwhile");
    await w.shutdownAll();
  });
});

describe("finding 9: requests that never answer do not hang the client", () => {
  it("a log PUT that never answers times out, resolves and commits; later writes follow", async () => {
    const w = world();
    let swallowed = 0;
    const storage = interceptStorage(w.sim, (call, send) => {
      if (call.kind === "put" && isLogKey(call.request.key) && swallowed++ === 0) return new Promise(() => {});
      return send();
    });
    const writer = w.client({ storage });
    const first = writer.put("a", 1);
    const second = writer.put("b", 2);
    await w.clock.runUntilSettled(Promise.all([first, second]), { maxMs: 5 * MINUTE });
    expect(await w.settle(w.client().get("b"))).toBe(2);
    await w.shutdownAll();
  });

  it("ready() after a short outage at start-up resolves by itself", async () => {
    const w = world();
    let down = true;
    w.clock.schedule(() => (down = false), 5_000);
    const storage = interceptStorage(w.sim, (_, send) =>
      down ? Promise.reject(new StorageError("connect ECONNREFUSED", { code: "ECONNREFUSED", retryable: true, ambiguous: false })) : send(),
    );
    const reader = w.client({ storage });
    await w.clock.runUntilSettled(reader.ready(), { maxMs: MINUTE });
    await w.shutdownAll();
  });
});

describe("finding 10: putAll across manifests", () => {
  it("rejects before anything is written when one manifest cannot be reached", async () => {
    const w = world();
    const writer = w.client();
    const other = { bucket: "no-such-bucket", key: MANIFEST };
    const written = writer.putAll(new Map([["k", 1]]), { manifests: [MANIFEST, other] });
    await expect(w.settle(written)).rejects.toThrow(/bucket/i);
    await w.quiesce();
    expect(await w.settle(w.client().get("k"))).toBeUndefined();
    await w.shutdownAll();
  });
});

describe("finding 11: subscribers are notified asynchronously and in order", () => {
  it("a handler that writes does not reorder what another subscriber sees", async () => {
    const w = world();
    const client = w.client();
    const remote = w.client();
    const echoing: Array<Json | undefined> = [];
    const other: Array<Json | undefined> = [];
    let calledInside = false;
    client.subscribe("k", (value) => {
      echoing.push(value);
      if (value === "remote-1") void client.put("k", "local-echo", { await: "local" });
    });
    client.subscribe("k", (value) => other.push(value));
    await w.settle(client.ready());
    await w.pass(100);
    client.subscribe("probe", () => (calledInside = true));
    await w.pass(100);
    calledInside = false;
    void client.put("probe", 1, { await: "local" });
    expect(calledInside).toBe(false);
    await w.settle(remote.put("k", "remote-1"));
    await w.quiesce();
    expect(other).toEqual(echoing);
    expect(other.at(-1)).toBe("local-echo");
    await w.shutdownAll();
  });
});

describe("finding 12: inputs that cannot be stored faithfully are refused", () => {
  it("a value with a getter is refused", async () => {
    const w = world();
    const writer = w.client();
    let reads = 0;
    const value = {
      get n() {
        return reads++;
      },
    };
    await expect(w.settle(writer.put("k", value as unknown as Json))).rejects.toThrow(/getter|accessor/);
    await w.shutdownAll();
  });

  it("a key S3 cannot carry is refused up front, inline or not", async () => {
    const w = world();
    const writer = w.client({ inlineThresholdBytes: 32 });
    await expect(writer.put("a\u0000b", 1)).rejects.toThrow(/control character/);
    await expect(writer.put("a\u0000b", "z".repeat(100))).rejects.toThrow(/control character/);
    await w.shutdownAll();
  });
});

describe("finding 13: the model's storage matches the adapter it stands for", () => {
  it("a lost request never answers by itself: the client's own request timeout ends it", async () => {
    const w = world();
    const faulty = new FaultyStorage(w.sim, { env: w.clock.env(), random: new SeededRandom(3), rates: { lostRequest: 1 } });
    let settled = false;
    void faulty.getObject({ bucket: BUCKET, key: "x" }).finally(() => (settled = true)).catch(() => undefined);
    await w.pass(10 * MINUTE);
    expect(settled).toBe(false);
  });
});
