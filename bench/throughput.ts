/**
 * Throughput on a real S3 store, the local Ceph RGW (started with
 * scripts/rgw-start.sh when it is not answering, and stopped again after):
 * acknowledged commits per second for each number of concurrent writers
 * (each an MPS3 client putting in a loop, on a manifest of the row's own), S3
 * requests per commit, and the time from a put at one client to the value at
 * another, subscribed client that polls every --poll ms.
 *
 *   npx tsx bench/throughput.ts [--duration 10] [--writers 1,4,8] [--poll 100] [--samples 100]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { MPS3, type MPS3Options } from "../impl/mps3.ts";
import { createBucket, deleteBucket } from "../impl/s3-bucket-admin.ts";
import type { S3ConnectionConfig } from "../impl/s3-client.ts";
import { findRgw, uniqueBucketName } from "../impl/s3-test-servers.ts";
import { S3Storage } from "../impl/s3-storage.ts";
import { DEFAULT_BOUNDS } from "../protocol/bounds.ts";
import { countingStorage, type RequestCounts } from "./counting-storage.ts";

const SAMPLE_TIMEOUT_MS = 30_000;

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    writers: { type: "string", default: "1,4,8" },
    poll: { type: "string", default: "100" },
    samples: { type: "string", default: "100" },
  },
});
const durationMs = Number(args.duration) * 1_000;
const writerCounts = args.writers!.split(",").map(Number);
const pollMs = Number(args.poll);
const samples = Number(args.samples);

const rgw = await ensureRgw();
const s3 = new S3Storage(rgw.config);
const counter = countingStorage(s3);
const bucket = uniqueBucketName("bench");
await createBucket(s3.client, bucket, "unversioned");
const client = (manifest: string, options: Partial<MPS3Options> = {}) =>
  new MPS3({ defaultBucket: bucket, defaultManifest: manifest, storage: counter.storage, ...options });

try {
  console.log(
    `Ceph RGW at ${rgw.config.endpoint}, unversioned bucket; bounds staleMs=${DEFAULT_BOUNDS.staleMs} ` +
      `marginMs=${DEFAULT_BOUNDS.marginMs}; ${durationMs / 1_000} s per writer count\n`,
  );
  const rows = [["writers", "acked puts", "commits/s", "requests/commit", "PUT", "GET", "LIST", "DELETE"]];
  for (const writers of writerCounts) {
    const { acked, elapsedMs, counts } = await commitThroughput(writers);
    const perCommit = (n: number) => (n / acked).toFixed(2);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    rows.push([
      String(writers),
      String(acked),
      (acked / (elapsedMs / 1_000)).toFixed(1),
      perCommit(total),
      perCommit(counts.PUT),
      perCommit(counts.GET),
      perCommit(counts.LIST),
      perCommit(counts.DELETE),
    ]);
  }
  printTable(rows);
  const latencies = await visibilityLatencies();
  console.log("From a put at one client to the value at another, subscribed client:");
  printTable([
    ["poll every", "samples", "median", "p99", "max"],
    [ms(pollMs), String(latencies.length), ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), ms(latencies.at(-1)!)],
  ]);
} finally {
  await deleteBucket(s3.client, bucket, "unversioned");
  if (rgw.started) runScript("rgw-stop.sh");
}

/** `writers` clients each put in a loop for the duration; requests are counted after one warm-up put each. */
async function commitThroughput(writers: number): Promise<{ acked: number; elapsedMs: number; counts: RequestCounts }> {
  const clients = Array.from({ length: writers }, () => client(`throughput-${writers}.json`));
  await Promise.all(clients.map((c, w) => c.put(`writer-${w}`, 0)));
  counter.reset();
  let acked = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    clients.map(async (c, w) => {
      for (let n = 1; performance.now() < deadline; n++) {
        await c.put(`writer-${w}`, { n });
        acked++;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  const counts = counter.counts();
  await Promise.all(clients.map((c) => c.shutdown()));
  return { acked, elapsedMs, counts };
}

/** Sorted ms from a put call at one client to the value reaching a subscriber at another. */
async function visibilityLatencies(): Promise<number[]> {
  const writer = client("latency.json");
  const reader = client("latency.json", { pollFrequency: pollMs });
  let expected: { n: number; seen: (at: number) => void } | undefined;
  reader.subscribe("probe", (value) => {
    if (expected && value === expected.n) expected.seen(performance.now());
  });
  await Promise.all([reader.ready(), writer.put("probe", 0)]);
  const latencies: number[] = [];
  for (let n = 1; n <= samples; n++) {
    await sleep(Math.random() * pollMs);
    const seen = new Promise<number>((resolve) => (expected = { n, seen: resolve }));
    const start = performance.now();
    const [at] = await Promise.all([withTimeout(seen, `value ${n} never reached the subscriber`), writer.put("probe", n)]);
    latencies.push(at - start);
  }
  await Promise.all([writer.shutdown(), reader.shutdown()]);
  return latencies.sort((a, b) => a - b);
}

async function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  const timeout = sleep(SAMPLE_TIMEOUT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error(message)));
  return Promise.race([promise, timeout]);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c]!)).join("  "));
  console.log();
}

async function ensureRgw(): Promise<{ config: S3ConnectionConfig; started: boolean }> {
  const running = await findRgw();
  if (running) return { config: running, started: false };
  runScript("rgw-start.sh");
  const config = await findRgw();
  if (!config) throw new Error("Ceph RGW did not answer after scripts/rgw-start.sh");
  return { config, started: true };
}

function runScript(name: string): void {
  const script = fileURLToPath(new URL(`../scripts/${name}`, import.meta.url));
  const result = spawnSync("bash", [script], { stdio: "inherit" });
  if (result.status !== 0) throw new Error(`scripts/${name} exited with ${result.status}`);
}
