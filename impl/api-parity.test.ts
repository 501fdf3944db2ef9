/** What users of the original mps3 expect of the API (issue 10). */
import { describe, expect, it } from "vitest";
import type { Json } from "../protocol/json-value.ts";
import { world } from "./test-world.ts";

describe("API parity with the original", () => {
  it("a key or manifest given as {key} alone is in the default bucket", async () => {
    const w = world();
    const client = w.client();
    await w.settle(client.put({ key: "k" }, 1, { manifests: [{ key: "manifest.json" }] }));
    expect(await w.settle(w.client().get("k"))).toBe(1);
    await w.shutdownAll();
  });

  it("get answers a value just written locally at once, without a round trip", async () => {
    const w = world({ simulatedLatency: () => ({ uplinkMs: 500, downlinkMs: 500 }) });
    const client = w.client();
    void client.put("k", "mine", { await: "local" });
    const before = w.clock.now();
    expect(await client.get("k")).toBe("mine");
    expect(w.clock.now()).toBe(before);
    await w.shutdownAll();
  });

  it("subscribers learn of an error that stops the manifest from syncing", async () => {
    const w = world();
    const client = w.client({ defaultBucket: "no-such-bucket" });
    const calls: Array<[Json | undefined, string | undefined]> = [];
    client.subscribe("k", (value, error) => calls.push([value, error?.message]));
    await w.pass(5_000);
    expect(calls).toContainEqual([undefined, expect.stringMatching(/bucket/i)]);
    await w.settle(client.shutdown());
  });
});
