/** Client behaviour only the simulator can stage: skewed clocks, planted objects, lost responses. */
import { describe, expect, it } from "vitest";
import { entryKey } from "../protocol/log-keys.ts";
import type { Json } from "../protocol/json-value.ts";
import { StorageError, type Storage } from "./storage.ts";
import { BUCKET, world } from "./test-world.ts";

describe("MPS3 on the simulator only", () => {
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
