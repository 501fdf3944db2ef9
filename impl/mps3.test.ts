import { describe, expect, it } from "vitest";
import { world } from "./test-world.ts";

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
});
