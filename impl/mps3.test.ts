/** The client's behaviour, the same tests on every backend: the simulator, and each S3 server that runs the timelog mode safely. */
import { afterAll, describe, expect, it } from "vitest";
import { lagMs, retentionMs } from "../protocol/bounds.ts";
import type { Json } from "../protocol/json-value.ts";
import { connection, skipsWithout, testServers } from "./s3-test-servers.ts";
import { s3Backend, simulatorBackend, type Backend } from "./test-backends.ts";
import type { World, WorldOptions } from "./test-world.ts";

const ODD_KEYS = [
  "&$@=;:+,?\\{^}%]>[~#|",
  "with spaces  and\ttab",
  "unicodé ✓ 日本語 🎉",
  "<![CDATA[<tag>]]>",
  "__proto__",
  "constructor",
  "a/b/..c/.d",
];

const servers = (await testServers()).filter((server) => server.timelogSafe);

describe("MPS3 on the simulator", () => backendSuite(simulatorBackend));

// Real stores' tests wait in real time, so they run at once, across servers too.
describe("MPS3 on S3 servers", { concurrent: true }, () => {
  for (const server of servers) {
    describe(server.label, () => {
      if (skipsWithout(server)) it.skip(`needs ${server.label} running`);
      else backendSuite(s3Backend(connection(server)));
    });
  }
});

function backendSuite(backend: Backend) {
  afterAll(() => backend.dispose(), 120_000);
  for (const versioning of [false, true]) {
    describe(versioning ? "versioned bucket" : "unversioned bucket", () => {
      clientSuite((options) => backend.world({ ...options, versioning }));
    });
  }
}

function clientSuite(open: (options?: Omit<WorldOptions, "versioning">) => Promise<World>) {
  // The longest test first: on a real store the tests run concurrently.
  it("checkpoints, and a cold reader starting from the checkpoint agrees with a warm one", async () => {
    const w = await open();
    const writer = w.client({ checkpointPolicy: { minEntries: 10, amortizedBytesPerEntry: 1 << 20 } });
    writer.subscribe("k1", () => undefined);
    const warm = w.client();
    warm.subscribe("k0", () => undefined);
    for (let i = 0; i < 60; i++) {
      await w.settle(writer.put(`k${i % 7}`, i));
      await w.pass(lagMs(w.bounds) / 12);
    }
    await w.pass(retentionMs(w.bounds));
    for (let i = 0; i < 25; i++) {
      await w.settle(writer.put("after", i));
      await w.pass(lagMs(w.bounds) / 12);
    }
    await w.quiesce();
    const checkpoints = (await w.listKeys("manifest.json@")).filter((key) => key.endsWith(".cp"));
    expect(checkpoints.length).toBeGreaterThan(0);
    const cold = w.client();
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const coldView = await w.settle(Promise.all(keys.map((k) => cold.get(k))));
    const warmView = await w.settle(Promise.all(keys.map((k) => warm.get(k))));
    expect(coldView).toEqual(warmView);
    expect(coldView).toEqual([56, 57, 58, 59, 53, 54, 55]);
    const entries = (await w.listKeys("manifest.json@")).filter((key) => !key.endsWith(".cp"));
    expect(entries.length).toBeLessThan(60);
    await w.shutdownAll();
  });
  it("reads its own write, and another client reads it too", async () => {
    const w = await open();
    const a = w.client();
    const b = w.client();
    await w.settle(a.put("greeting", { hello: "world" }));
    expect(await w.settle(a.get("greeting"))).toEqual({ hello: "world" });
    expect(await w.settle(b.get("greeting"))).toEqual({ hello: "world" });
    await w.shutdownAll();
  });

  it("three concurrent writers of the same and different keys converge, losing no acknowledged write", async () => {
    const w = await open({ simulatedLatency: (_, random) => ({ uplinkMs: random.int(1, 20), downlinkMs: random.int(1, 20) }) });
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
    await w.quiesce();
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
    const w = await open();
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
      await w.pass(30 + i * 17);
    }
    await w.quiesce();
    expect(snapshots.length).toBeGreaterThan(5);
    for (const [a, b] of snapshots) expect(a).toEqual(b);
    expect(seen.get("a")).toEqual(`14${"x"}`);
    await w.shutdownAll();
  });

  it("shows a local write to get and subscribers at once, before it is stored", async () => {
    const w = await open({ simulatedLatency: () => ({ uplinkMs: 200, downlinkMs: 200 }) });
    const client = w.client();
    const seen: Array<Json | undefined> = [];
    client.subscribe("k", (value) => seen.push(value));
    await w.pass(1_000);
    expect(seen).toEqual([undefined]);
    const stored = client.put("k", "optimistic");
    await Promise.resolve();
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
    const w = await open({ simulatedLatency: (request) => ({ uplinkMs: 3, downlinkMs: request.kind === "list" ? 40 : 4 }) });
    const writer = w.client();
    const reader = w.client({ pollFrequency: 37 });
    const seen: Array<Json | undefined> = [];
    reader.subscribe("counter", (value) => seen.push(value));
    for (let i = 1; i <= 40; i++) {
      void writer.put("counter", i, { await: "local" });
      await w.pass(i % 7 === 0 ? 150 : 11);
    }
    await w.settle(writer.shutdown());
    await w.quiesce();
    const numbers = seen.filter((value): value is number => typeof value === "number");
    expect(numbers.at(-1)).toBe(40);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]!).toBeGreaterThan(numbers[i - 1]!);
    expect(new Set(seen).size).toBe(seen.length);
    await w.shutdownAll();
  });

  it("stops calling a handler once it unsubscribes, and keeps calling the others", async () => {
    const w = await open();
    const writer = w.client();
    const reader = w.client();
    await w.settle(writer.put("k", 1));
    const dropped: Array<Json | undefined> = [];
    const kept: Array<Json | undefined> = [];
    const unsubscribe = reader.subscribe("k", (value) => dropped.push(value));
    const unsubscribeOther = reader.subscribe("k", (value) => kept.push(value));
    await w.settle(reader.ready());
    await w.settle(writer.put("k", 2));
    await w.quiesce();
    unsubscribe();
    expect(reader.subscriberCount).toBe(1);
    await w.settle(writer.put("k", 3));
    await w.quiesce();
    expect(dropped).toEqual([1, 2]);
    expect(kept).toEqual([1, 2, 3]);
    unsubscribeOther();
    expect(reader.subscriberCount).toBe(0);
    await w.shutdownAll();
  });

  it("round-trips odd keys, inline and as content objects", async () => {
    const w = await open();
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

  it("rejects bad input with clear errors", async () => {
    const w = await open();
    const client = w.client();
    await expect(client.put("", 1)).rejects.toThrow(/empty/);
    await expect(client.put("k", { __proto__: null, f: () => 1 } as never)).rejects.toThrow(/not JSON/);
    await expect(client.put("k", Number.NaN)).rejects.toThrow(/non-finite/);
    await expect(client.put("manifest.json", 1)).rejects.toThrow(/collides/);
    await expect(client.put("manifest.json@x", 1)).rejects.toThrow(/collides/);
    await expect(client.put("a/../b", 1)).rejects.toThrow(/path segment/);
    await expect(client.put({ bucket: "elsewhere", key: "k" }, 1)).rejects.toThrow(/bucket of manifest/);
    await expect(client.put("k", JSON.parse('{"__proto__": 1}'))).rejects.toThrow(/__proto__/);
    expect(() => client.subscribe("k", "nope" as never)).toThrow(/handler/);
    await w.shutdownAll();
  });

  it("watches every key of a manifest, with set and delete events", async () => {
    const w = await open();
    const writer = w.client();
    await w.settle(writer.put("before", 0));
    const watcher = w.client();
    const events: unknown[] = [];
    watcher.watch((event) => events.push(event));
    await w.settle(watcher.ready());
    await w.pass(500);
    await w.settle(writer.put("x", 1));
    await w.settle(writer.delete("before"));
    await w.quiesce();
    expect(events).toEqual([
      { type: "set", key: "before", value: 0 },
      { type: "set", key: "x", value: 1 },
      { type: "delete", key: "before" },
    ]);
    expect(watcher.subscriberCount).toBe(1);
    await w.shutdownAll();
  });

}
