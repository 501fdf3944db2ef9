import { describe, expect, it } from "vitest";
import { entryKey } from "../protocol/log-keys.ts";
import type { Json } from "../protocol/json-value.ts";
import { StorageError, type Storage } from "./storage.ts";
import { BUCKET, world } from "./test-world.ts";

const ODD_KEYS = [
  "&$@=;:+,?\\{^}%]>[~#|",
  "with spaces  and\ttab",
  "unicodé ✓ 日本語 🎉",
  "<![CDATA[<tag>]]>",
  "__proto__",
  "constructor",
  "a/b/../c",
];

describe("MPS3 on the simulator", () => {
  it("reads its own write, and another client reads it too", async () => {
    const w = world();
    const a = w.client();
    const b = w.client();
    await w.settle(a.put("greeting", { hello: "world" }));
    expect(await w.settle(a.get("greeting"))).toEqual({ hello: "world" });
    expect(await w.settle(b.get("greeting"))).toEqual({ hello: "world" });
    await w.shutdownAll();
  });

  it("three concurrent writers of the same and different keys converge, losing no acknowledged write", async () => {
    const w = world({ latency: (_, random) => ({ uplinkMs: random.int(1, 20), downlinkMs: random.int(1, 20) }) });
    const clients = [w.client(), w.client(), w.client()];
    const acked: Array<{ key: string; value: Json }> = [];
    const writes = clients.flatMap((client, c) =>
      Array.from({ length: 20 }, (_, i) => {
        const key = i % 2 === 0 ? "shared" : `own-${c}-${i}`;
        const value = { c, i };
        return client.put(key, value).then(() => acked.push({ key, value }));
      }),
    );
    await w.settle(Promise.all(writes));
    await w.clock.runFor(15_000);
    const views = await w.settle(
      Promise.all(clients.map(async (client) => {
        const keys = ["shared", ...acked.filter((a) => a.key !== "shared").map((a) => a.key)];
        return Promise.all(keys.map((key) => client.get(key)));
      })),
    );
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    for (const { key, value } of acked.filter((a) => a.key !== "shared")) {
      expect(await w.settle(clients[0]!.get(key))).toEqual(value);
    }
    expect(acked.filter((a) => a.key === "shared").map((a) => a.value)).toContainEqual(views[0]![0]);
    await w.shutdownAll();
  });

  it("never shows a putAll half-applied, inline or not", async () => {
    const w = world();
    const writer = w.client({ inlineThresholdBytes: 32 });
    const reader = w.client();
    const snapshots: Array<[Json | undefined, Json | undefined]> = [];
    const seen = new Map<string, Json | undefined>();
    const record = (key: string) => (value: Json | undefined) => {
      seen.set(key, value);
      queueMicrotask(() => snapshots.push([seen.get("a"), seen.get("b")]));
    };
    reader.subscribe("a", record("a"));
    reader.subscribe("b", record("b"));
    for (let i = 0; i < 15; i++) {
      const big = "x".repeat(i % 3 === 0 ? 100 : 1);
      await w.settle(writer.putAll(new Map<string, Json>([["a", `${i}${big}`], ["b", `${i}${big}`]])));
      await w.clock.runFor(30 + i * 17);
    }
    await w.clock.runFor(2_000);
    expect(snapshots.length).toBeGreaterThan(5);
    for (const [a, b] of snapshots) expect(a).toEqual(b);
    expect(seen.get("a")).toEqual(`14${"x"}`);
    await w.shutdownAll();
  });

  it("shows a local write to get and subscribers at once, before it is stored", async () => {
    const w = world({ latency: () => ({ uplinkMs: 200, downlinkMs: 200 }) });
    const client = w.client();
    const seen: Array<Json | undefined> = [];
    client.subscribe("k", (value) => seen.push(value));
    await w.clock.runFor(1_000);
    expect(seen).toEqual([undefined]);
    const stored = client.put("k", "optimistic");
    expect(seen).toEqual([undefined, "optimistic"]);
    let acked = false;
    void stored.then(() => (acked = true));
    const local = client.put("j", 1, { await: "local" });
    await local;
    expect(acked).toBe(false);
    await w.settle(stored);
    expect(await w.settle(client.get("k"))).toBe("optimistic");
    expect(seen).toEqual([undefined, "optimistic"]);
    await w.shutdownAll();
  });

  it("gives a subscriber a monotonic stream without repeats", async () => {
    const w = world({ latency: (request) => ({ uplinkMs: 3, downlinkMs: request.kind === "list" ? 40 : 4 }) });
    const writer = w.client();
    const reader = w.client({ pollFrequency: 37 });
    const seen: Array<Json | undefined> = [];
    reader.subscribe("counter", (value) => seen.push(value));
    for (let i = 1; i <= 40; i++) {
      void writer.put("counter", i, { await: "local" });
      await w.clock.runFor(i % 7 === 0 ? 150 : 11);
    }
    await w.settle(writer.shutdown());
    await w.clock.runFor(3_000);
    const numbers = seen.filter((value): value is number => typeof value === "number");
    expect(numbers.at(-1)).toBe(40);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]!).toBeGreaterThan(numbers[i - 1]!);
    expect(new Set(seen).size).toBe(seen.length);
    await w.shutdownAll();
  });

  it("converges with clocks skewed within the bound", async () => {
    const w = world();
    const fast = w.client({ envOptions: { skewMs: 4_000 } });
    const slow = w.client({ envOptions: { skewMs: -6_000, driftPpm: 200 } });
    const fixed = w.client({ envOptions: { skewMs: 3_000 }, adaptiveClock: false });
    for (let i = 0; i < 10; i++) {
      await w.settle(Promise.all([fast.put("k", `fast-${i}`), slow.put("k", `slow-${i}`), fixed.put(`f${i}`, i)]));
    }
    await w.clock.runFor(20_000);
    const views = await w.settle(Promise.all([fast, slow, fixed].map((c) => Promise.all(["k", "f9"].map((k) => c.get(k))))));
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(views[0]![1]).toBe(9);
    expect(w.warnings).toEqual([]);
    await w.shutdownAll();
  });

  it("rejects an entry from a clock beyond the bound identically at every reader", async () => {
    const w = world();
    const honest = w.client();
    await w.settle(honest.put("k", "honest"));
    const skewed = w.client({ envOptions: { skewMs: -30_000 }, adaptiveClock: false, label: "skewed" });
    void skewed.put("k", "from the future", { await: "local" }).catch(() => undefined);
    await w.clock.runFor(5_000);
    const warm = w.client();
    await w.settle(warm.ready());
    await w.clock.runFor(5_000);
    const cold = w.client();
    const values = await w.settle(Promise.all([honest.get("k"), warm.get("k"), cold.get("k")]));
    expect(values).toEqual(["honest", "honest", "honest"]);
    const rejections = w.warnings.filter((m) => m.includes("after its timestamp"));
    expect(rejections.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rejections.map((m) => m.replace(/^.*?skipping/, ""))).size).toBeLessThan(rejections.length);
    await w.settle(Promise.all([honest, warm, cold].map((c) => c.shutdown())));
  });

  it("skips malformed log objects planted in the bucket, keeping what was committed", async () => {
    const w = world();
    const writer = w.client();
    await w.settle(writer.putAll(new Map<string, Json>([["a", 1], ["b", { deep: [1, 2] }]])));
    const ts = w.clock.now();
    const plant = (key: string, body: string) => w.sim.rawPut(BUCKET, key, body);
    const op = (pointer: unknown) => JSON.stringify({ mps3: 1, ts, session: "evil0001", seq: 0, ops: [["a", pointer]] });
    plant(entryKey("manifest.json", ts, "evil0001", 0), "{not json");
    plant(entryKey("manifest.json", ts, "evil0002", 0), op({ value: 666 }));
    plant(entryKey("manifest.json", ts, "evil0001", 2), JSON.stringify({ mps3: 1, ts, session: "evil0001", seq: 2, ops: [["a", null]], extra: true }));
    plant(entryKey("manifest.json", ts, "evil0001", 3), `{"mps3":1,"ts":${ts},"session":"evil0001","seq":3,"ops":[["a",{"value":{"__proto__":{"polluted":true}}}]]}`);
    plant(entryKey("manifest.json", ts, "evil0001", 4), JSON.stringify({ mps3: 1, ts, session: "evil0001", seq: 4, ops: [["a", null], ["a", null]] }));
    plant(entryKey("manifest.json", ts, "evil0001", 5), JSON.stringify({ mps3: 1, ts, session: "evil0001", seq: 5, ops: [["", null]] }));
    plant(entryKey("manifest.json", ts, "evil0001", 6), " ".repeat(9 * 1024 * 1024));
    plant("manifest.json@garbage key", "whatever");
    const reader = w.client();
    expect(await w.settle(reader.get("a"))).toBe(1);
    expect(await w.settle(reader.get("b"))).toEqual({ deep: [1, 2] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const reason of ["not JSON", "does not match its key", "unexpected field", "__proto__", "appears twice", "empty", "exceeds", "not a log entry"]) {
      expect(w.warnings.some((m) => m.includes(reason)), reason).toBe(true);
    }
    await w.settle(writer.put("c", 3));
    expect(await w.settle(reader.get("c"))).toBe(3);
    expect(await w.settle(reader.get("a"))).toBe(1);
    await w.shutdownAll();
  });

  for (const versioning of [false, true]) {
    it(`round-trips odd keys, inline and as content objects (versioning ${versioning})`, async () => {
      const w = world({ versioning });
      const writer = w.client({ inlineThresholdBytes: 10 });
      const reader = w.client();
      for (const [i, key] of ODD_KEYS.entries()) {
        await w.settle(writer.put(key, i % 2 ? i : { big: "y".repeat(50), i }));
      }
      for (const [i, key] of ODD_KEYS.entries()) {
        expect(await w.settle(reader.get(key))).toEqual(i % 2 ? i : { big: "y".repeat(50), i });
      }
      await w.shutdownAll();
    });
  }

  it("rejects bad input with clear errors", async () => {
    const w = world();
    const client = w.client();
    await expect(client.put("", 1)).rejects.toThrow(/empty/);
    await expect(client.put("k", { __proto__: null, f: () => 1 } as never)).rejects.toThrow(/not JSON/);
    await expect(client.put("k", Number.NaN)).rejects.toThrow(/non-finite/);
    await expect(client.put("manifest.json", 1)).rejects.toThrow(/collides/);
    await expect(client.put("manifest.json@x", 1)).rejects.toThrow(/collides/);
    await expect(client.put("k", JSON.parse('{"__proto__": 1}'))).rejects.toThrow(/__proto__/);
    expect(() => client.subscribe("k", "nope" as never)).toThrow(/handler/);
    await w.shutdownAll();
  });

  it("watches every key of a manifest, with set and delete events", async () => {
    const w = world();
    const writer = w.client();
    await w.settle(writer.put("before", 0));
    const watcher = w.client();
    const events: unknown[] = [];
    watcher.watch((event) => events.push(event));
    await w.settle(watcher.ready());
    await w.clock.runFor(500);
    await w.settle(writer.put("x", 1));
    await w.settle(writer.delete("before"));
    await w.clock.runFor(1_000);
    expect(events).toEqual([
      { type: "set", key: "before", value: 0 },
      { type: "set", key: "x", value: 1 },
      { type: "delete", key: "before" },
    ]);
    expect(watcher.subscriberCount).toBe(1);
    await w.shutdownAll();
  });

  it("checkpoints, and a cold reader starting from the checkpoint agrees with a warm one", async () => {
    const w = world();
    const writer = w.client({ checkpointPolicy: { minEntries: 10, amortizedBytesPerEntry: 1 << 20 } });
    writer.subscribe("k1", () => undefined);
    const warm = w.client();
    warm.subscribe("k0", () => undefined);
    for (let i = 0; i < 60; i++) {
      await w.settle(writer.put(`k${i % 7}`, i));
      await w.clock.runFor(1_000);
    }
    await w.clock.runFor(15_000);
    const checkpoints = w.sim.rawList(BUCKET, "manifest.json@").filter((o) => o.key.endsWith(".cp"));
    expect(checkpoints.length).toBeGreaterThan(0);
    const cold = w.client();
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const coldView = await w.settle(Promise.all(keys.map((k) => cold.get(k))));
    const warmView = await w.settle(Promise.all(keys.map((k) => warm.get(k))));
    expect(coldView).toEqual(warmView);
    expect(coldView).toEqual([56, 57, 58, 59, 53, 54, 55]);
    const entries = w.sim.rawList(BUCKET, "manifest.json@").filter((o) => !o.key.endsWith(".cp"));
    expect(entries.length).toBeLessThan(60);
    await w.shutdownAll();
  });

  it("resolves a lost PUT response by looking, without duplicating the write", async () => {
    const w = world();
    let dropNext = true;
    const lossy: Storage = {
      getObject: (r) => w.sim.getObject(r),
      deleteObject: (r) => w.sim.deleteObject(r),
      listObjects: (r) => w.sim.listObjects(r),
      putObject: async (r) => {
        const response = await w.sim.putObject(r);
        if (dropNext && r.key.includes("@")) {
          dropNext = false;
          throw new StorageError("response lost", { code: "Timeout", retryable: true, ambiguous: true });
        }
        return response;
      },
    };
    const client = w.client({ storage: lossy });
    await w.settle(client.put("k", "once"));
    const entries = w.sim.rawList(BUCKET, "manifest.json@");
    expect(entries).toHaveLength(1);
    expect(w.warnings.some((m) => m.includes("resolving its outcome"))).toBe(true);
    expect(await w.settle(w.client().get("k"))).toBe("once");
    await w.shutdownAll();
  });
});
