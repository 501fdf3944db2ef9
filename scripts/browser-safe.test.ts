/**
 * The client and the simulator must run in a browser: bundled for the browser
 * they import no Node built-in, name no Node global, and a client writes and
 * reads through the simulator in a context that has only web-platform globals.
 * The AWS SDK adapter, loaded lazily by the client, is left out of the bundle.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

const NODE_GLOBALS = ["Buffer", "process", "global", "require", "__dirname", "__filename"];
const FORBIDDEN = "__node_global_";

const WEB_GLOBALS = [
  "console",
  "setTimeout",
  "clearTimeout",
  "setInterval",
  "clearInterval",
  "queueMicrotask",
  "structuredClone",
  "TextEncoder",
  "TextDecoder",
  "URL",
  "URLSearchParams",
  "AbortController",
  "AbortSignal",
  "DOMException",
  "Event",
  "EventTarget",
  "atob",
  "btoa",
  "crypto",
  "performance",
  "fetch",
  "Headers",
  "Request",
  "Response",
] as const;

async function browserBundle(): Promise<string> {
  const result = await build({
    stdin: {
      contents: 'export * as client from "./impl/index.ts"; export * as model from "./model/index.ts";',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "bundle",
    external: ["./s3-storage.ts"],
    define: Object.fromEntries(NODE_GLOBALS.map((name) => [name, FORBIDDEN + name])),
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

const WORKLOAD = `
  (async () => {
    const { client: { MPS3 }, model: { S3Simulator, VirtualClock } } = bundle;
    const clock = new VirtualClock({ seed: 3 });
    const sim = new S3Simulator(clock);
    sim.createBucket("app", { versioning: false });
    const writer = new MPS3({ defaultBucket: "app", storage: sim, env: clock.env(), log: false });
    await clock.runUntilSettled(writer.put("greeting", { hello: "browser" }));
    const reader = new MPS3({ defaultBucket: "app", storage: sim, env: clock.env(), log: false });
    const value = await clock.runUntilSettled(reader.get("greeting"));
    await clock.runUntilSettled(Promise.all([writer.shutdown(), reader.shutdown()]));
    return JSON.stringify(value);
  })()
`;

describe("the client and the simulator bundled for the browser", () => {
  it("import no Node built-in and name no Node global", async () => {
    const code = await browserBundle();
    const named = NODE_GLOBALS.filter((name) => code.includes(FORBIDDEN + name));
    console.log(`browser bundle of impl/ and model/: ${code.length} bytes; Node globals named: ${named.join(", ") || "none"}`);
    expect(named).toEqual([]);
  });

  it("write and read through the simulator with web-platform globals only", async () => {
    const code = await browserBundle();
    const web = Object.fromEntries(WEB_GLOBALS.map((name) => [name, globalThis[name]]));
    const read = await runInNewContext(`${code};${WORKLOAD}`, web, { filename: "browser-bundle.js" });
    expect(read).toBe('{"hello":"browser"}');
  });
});
