/**
 * S3 requests, sequential round trips and bytes per operation, read off the
 * simulator's counters. Every request takes 50 ms up and 50 ms down on the
 * virtual clock, so round trips = virtual time / 100 ms.
 *
 *   npx tsx bench/requests.ts [--sizes 10,1000,10000,100000]
 */
import { parseArgs } from "node:util";
import { MPS3, type MPS3Options } from "../impl/index.ts";
import type { Json } from "../protocol/json-value.ts";
import { S3Simulator, VirtualClock } from "../model/index.ts";

const RTT_MS = 100;
const BUCKET = "bench";
const { values: args } = parseArgs({ options: { sizes: { type: "string", default: "10,1000,10000,100000" } } });
const sizes = args.sizes!.split(",").map(Number);

function setup() {
  const clock = new VirtualClock({ seed: 3 });
  const sim = new S3Simulator(clock, { logRequests: true, latency: () => ({ uplinkMs: RTT_MS / 2, downlinkMs: RTT_MS / 2 }) });
  sim.createBucket(BUCKET, { versioning: false });
  const client = (options: Partial<MPS3Options> = {}) =>
    new MPS3({ defaultBucket: BUCKET, storage: sim, env: clock.env(), log: false, ...options });
  const settle = <T>(promise: Promise<T>) => clock.runUntilSettled(promise, { maxMs: 3_600_000 });
  return { clock, sim, client, settle };
}

async function measure(world: ReturnType<typeof setup>, run: () => Promise<unknown>) {
  world.sim.resetStats();
  const start = world.clock.now();
  const logged = world.sim.requestLog().length;
  await world.settle(run());
  const stats = world.sim.stats();
  const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const isMarkerPut = (r: { kind: string; key: string }) => r.kind === "put" && r.key === "manifest.json";
  const beforeAck = world.sim.requestLog().slice(logged).filter((r) => !isMarkerPut(r)).length;
  return { requests, beforeAck, stats, roundTrips: (world.clock.now() - start) / RTT_MS };
}

const describeRequests = (stats: { requests: Record<string, number> }) =>
  Object.entries(stats.requests).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind.toUpperCase()}`).join(" + ");

const rows: string[][] = [["operation", "requests", "round trips", "detail", "target"]];

{
  const w = setup();
  const writer = w.client();
  await w.settle(writer.put("warm-up", 0));
  const small = await measure(w, () => writer.put("small", { n: 1 }));
  rows.push(["put, small value (inlined), until acknowledged", String(small.beforeAck), String(small.roundTrips), `1 log PUT; the marker PUT follows the ack`, "1 and 1"]);
  const big = await measure(w, () => writer.put("big", { text: "x".repeat(10_000) }));
  rows.push(["put, 10 kB value (content object), until acknowledged", String(big.beforeAck), String(big.roundTrips), `content PUT, then log PUT; marker after`, "<= 2 and <= 2"]);
  await w.clock.runFor(1_000);
  const cold = w.client();
  const coldGet = await measure(w, () => cold.get("big"));
  rows.push(["cold get (3 entries in the log)", String(coldGet.requests), String(coldGet.roundTrips), describeRequests(coldGet.stats), ""]);
  const reader = w.client({ pollFrequency: 1_000 });
  reader.subscribe("small", () => undefined);
  await w.clock.runFor(5_000);
  const idle = await measure(w, () => w.clock.runFor(60_000));
  const polls = idle.stats.notModified;
  const perPoll = (idle.requests / polls).toFixed(2);
  rows.push(["idle poll (per poll, 1 s apart)", perPoll, "1", `${polls} polls answered 304; ${describeRequests(idle.stats)}`, "1 GET; a LIST per 30 s"]);
  await w.settle(Promise.all([writer.shutdown(), reader.shutdown(), cold.shutdown()]));
}

const byteRows: string[][] = [["keys in manifest", "bytes per commit (entry + marker)", "amortized incl. checkpoints, 200 commits", "checkpoints written"]];
for (const size of sizes) {
  const w = setup();
  const writer = w.client();
  writer.subscribe("k0", () => undefined);
  for (let start = 0; start < size; start += 10_000) {
    const chunk = new Map<string, Json>();
    for (let i = start; i < Math.min(size, start + 10_000); i++) chunk.set(`key-${i}`, { v: i });
    await w.settle(writer.putAll(chunk));
  }
  await w.clock.runFor(30_000);
  const one = await measure(w, () => writer.put("key-0", { v: "changed" }));
  w.sim.resetStats();
  const before = w.sim.rawList(BUCKET, "manifest.json@").filter((o) => o.key.endsWith(".cp")).length;
  for (let i = 0; i < 200; i++) {
    await w.settle(writer.put(`key-${i % Math.max(1, size)}`, { v: -i }));
    await w.clock.runFor(200);
  }
  await w.clock.runFor(30_000);
  const after = w.sim.rawList(BUCKET, "manifest.json@").filter((o) => o.key.endsWith(".cp")).length;
  const amortized = Math.round(w.sim.stats().bytesUploaded / 200);
  byteRows.push([String(size), String(one.stats.bytesUploaded), String(amortized), `${after - before} (${after} in bucket)`]);
  await w.settle(writer.shutdown());
}

const print = (table: string[][]) => {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join(" | "));
  console.log();
};
print(rows);
print(byteRows);
