/**
 * Checker benchmark: histories of 16 processes over 1,000 keys from the
 * causal (last-writer-wins) reference store, checked model by model, each in
 * a child process (with node's default heap settings) so peak memory is its own.
 *
 *   npx tsx bench/checker.ts [--sizes 10000,100000,1000000] [--models cc,cm,...]
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { check, resolveModels } from "../jepsen/check.ts";
import { formatHistory, parseHistory } from "../jepsen/history.ts";
import { causalStoreHistory, seededRandom } from "../jepsen/reference-stores.test-support.ts";

const GROUPS = ["cc", "cm", "ccv", "sessions", "atomic", "convergence", "lost", "all"];

interface Measurement {
  model: string;
  verdict: string;
  parseSeconds: number;
  checkSeconds: number;
  peakRssMb: number;
  heapUsedMb: number;
}

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    models: { type: "string", default: GROUPS.join(",") },
    child: { type: "string" },
    model: { type: "string" },
  },
});

if (values.child !== undefined) measure(values.child, values.model!);
else await benchmark();

async function benchmark(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "checker-bench-"));
  try {
    console.log("operations  model        verdict  parse s  check s  peak RSS MB  heap used MB");
    for (const size of values.sizes.split(",").map(Number)) {
      const file = join(directory, `history-${size}.jsonl`);
      const events = await writeHistory(file, size);
      console.log(`# ${size} operations: ${events} events`);
      for (const model of values.models.split(",")) printRow(size, runChild(file, model));
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Writes the history in chunks (a 1M-operation history is too big for one string); returns the event count. */
async function writeHistory(file: string, operations: number): Promise<number> {
  const events = causalStoreHistory(seededRandom(7), { processes: 16, keys: 1000, operations, quiesce: true }, "lww");
  const out = createWriteStream(file);
  for (let i = 0; i < events.length; i += 10_000)
    if (!out.write(formatHistory(events.slice(i, i + 10_000)))) await new Promise((resolve) => out.once("drain", resolve));
  await new Promise((resolve) => out.end(resolve));
  return events.length;
}

function runChild(file: string, model: string): Measurement {
  const args = [...process.execArgv, import.meta.filename, "--child", file, "--model", model];
  const child = spawnSync(process.execPath, args, {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`benchmark child failed for ${model}: ${child.stderr}`);
  return JSON.parse(child.stdout) as Measurement;
}

function measure(file: string, model: string): void {
  const parseStart = performance.now();
  const history = parseHistory(readFileSync(file, "utf8"));
  const checkStart = performance.now();
  const result = check(history, { models: resolveModels([model]) });
  const end = performance.now();
  const measurement: Measurement = {
    model,
    verdict: String(result.valid),
    parseSeconds: (checkStart - parseStart) / 1000,
    checkSeconds: (end - checkStart) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(measurement));
}

function printRow(size: number, m: Measurement): void {
  console.log(
    [
      String(size).padStart(10),
      m.model.padEnd(11),
      m.verdict.padEnd(7),
      m.parseSeconds.toFixed(2).padStart(7),
      m.checkSeconds.toFixed(2).padStart(7),
      m.peakRssMb.toFixed(0).padStart(11),
      m.heapUsedMb.toFixed(0).padStart(12),
    ].join("  "),
  );
}
