/**
 * The browser build, run where only web-platform globals exist (no Buffer,
 * process or require), writing and reading through FetchStorage on Ceph RGW.
 */
import { build } from "esbuild";
import { createContext, runInContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Browser from "./browser.ts";
import { createBucket, deleteBucket } from "./s3-bucket-admin.ts";
import { findRgw, RGW_SKIP_MESSAGE, uniqueBucketName } from "./s3-test-servers.ts";
import { S3Storage } from "./s3-storage.ts";

const rgw = await findRgw();
if (rgw === undefined) console.warn(RGW_SKIP_MESSAGE);

const WEB_GLOBALS = [
  "fetch", "Request", "Response", "Headers", "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "crypto",
  "AbortController", "AbortSignal", "DOMException", "Event", "EventTarget", "ReadableStream", "setTimeout",
  "clearTimeout", "setInterval", "clearInterval", "queueMicrotask", "structuredClone", "atob", "btoa", "console",
] as const;

/**
 * impl/browser.ts bundled for the browser as a script, evaluated in a context
 * holding only `WEB_GLOBALS`, with that context's `JSON.parse` for making
 * values of its own realm.
 */
async function loadBrowserBuild(): Promise<{ build: typeof Browser; parse: (json: string) => Browser.Json; nodeGlobals: string[] }> {
  const result = await build({
    entryPoints: [new URL("./browser.ts", import.meta.url).pathname],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "mps3",
    write: false,
    logLevel: "error",
  });
  const globals = Object.fromEntries(WEB_GLOBALS.map((name) => [name, globalThis[name]]));
  const context = createContext(globals);
  runInContext(result.outputFiles[0]!.text, context);
  return {
    build: context.mps3 as typeof Browser,
    parse: runInContext("JSON.parse", context),
    nodeGlobals: runInContext(`["Buffer", "process", "require", "setImmediate"].filter((name) => name in globalThis)`, context),
  };
}

describe.skipIf(rgw === undefined)("the browser build on Ceph RGW", () => {
  const config = rgw ?? { region: "us-east-1" };
  const admin = new S3Storage(config).client;
  const bucket = uniqueBucketName("browser");
  const clients: Browser.MPS3[] = [];

  beforeAll(() => createBucket(admin, bucket, "unversioned"));

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.shutdown()));
    await deleteBucket(admin, bucket, "unversioned");
  });

  it("has no Node globals, and one client reads what another wrote, inline and as a content object", async () => {
    const { build: { MPS3, FetchStorage }, parse, nodeGlobals } = await loadBrowserBuild();
    expect(nodeGlobals).toEqual([]);
    const large = parse('{ "text": "a value longer than the inline threshold" }');
    const storage = new FetchStorage({
      endpoint: config.endpoint!,
      region: config.region,
      credentials: config.credentials!,
    });
    const open = () => {
      const client = new MPS3({ defaultBucket: bucket, storage, inlineThresholdBytes: 16, log: false });
      clients.push(client);
      return client;
    };
    const writer = open();
    await writer.put("small", 1);
    await writer.put("large", large);
    const reader = open();
    expect(await reader.get("small")).toBe(1);
    expect(JSON.stringify(await reader.get("large"))).toBe(JSON.stringify(large));
  });
});
