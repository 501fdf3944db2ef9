/** `mps3-verified run`: a Jepsen-style test against an S3 endpoint or the in-memory simulator. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import type { FaultRates } from "../../model/faulty-storage.ts";
import { resolveModels, type ModelName } from "../check.ts";
import { CHECK_EXIT_STATUS } from "../commands/check.ts";
import type { CliContext } from "../commands/cli-context.ts";
import { CLAIMED_MODELS } from "../judgement.ts";
import { renderResult } from "../render.ts";
import { writeHtmlReport } from "../report/html-report.ts";
import { runJepsen } from "./run-jepsen.ts";
import { DEFAULT_FAULT_RATES, DEFAULT_WEIGHTS, type NemesisFault, type OperationWeights, type RunOptions, type RunTarget } from "./run-options.ts";
import { runProgress } from "./run-progress.ts";

interface RunFlags {
  simulator?: boolean;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  pathStyle: boolean;
  bucket?: string;
  createBucket?: boolean;
  versioning?: boolean;
  clients: number;
  processes?: boolean;
  duration: number;
  keys: number;
  weights: OperationWeights;
  largeValues: number;
  largeValueBytes: number;
  thinkMs: number;
  nemesis: NemesisFault[];
  nemesisInterval: number;
  nemesisDuration: number;
  serverPid: number[];
  faultRates: Partial<FaultRates>;
  staleMs: number;
  marginMs: number;
  pollMs: number;
  models: ModelName[];
  seed: number;
  out?: string;
  history?: string;
  report?: string;
}

const NEMESIS_FAULTS: readonly NemesisFault[] = ["kill", "pause", "faults"];

export function registerRunCommand(program: Command, context: CliContext): void {
  program
    .command("run")
    .description(
      "run clients against an S3 endpoint (or the in-memory simulator) under a nemesis, record the history, and check it",
    )
    .option("--simulator", "run against the in-memory S3 simulator, in virtual time (clients in-process only)")
    .option("--endpoint <url>", "S3 endpoint, e.g. http://127.0.0.1:7480 (default: $MPS3_S3_ENDPOINT; none: AWS S3)")
    .option("--region <region>", "S3 region (default: $AWS_REGION, else us-east-1)")
    .option("--access-key-id <id>", "access key (default: $AWS_ACCESS_KEY_ID, else the AWS SDK's provider chain)")
    .option("--secret-access-key <key>", "secret key (default: $AWS_SECRET_ACCESS_KEY)")
    .option("--no-path-style", "virtual-hosted URLs (bucket.endpoint/key) instead of path-style ones (endpoint/bucket/key)")
    .option("--bucket <name>", "bucket to use (default: a new bucket with a unique name, created)")
    .option("--create-bucket", "create --bucket first (an existing bucket of yours is fine)")
    .option("--versioning", "content objects addressed by version id: needs (and creates) a versioned bucket")
    .option("--clients <n>", "number of clients", positiveInteger, 4)
    .option("--processes", "each client in a worker process of its own, so the kill nemesis can SIGKILL it (endpoints only)")
    .addOption(parsed("--duration <seconds>", "how long the workload runs before heal, settle and final reads", seconds, 60_000, "60"))
    .option("--keys <n>", "number of keys", positiveInteger, 6)
    .addOption(parsed("--weights <list>", "operation weights; subscribe toggles one key's subscription; names not given weigh 0", weights, DEFAULT_WEIGHTS, assignmentList(DEFAULT_WEIGHTS)))
    .option("--large-values <fraction>", "share of written values padded above the inline threshold (4096 bytes)", fraction, 0.2)
    .option("--large-value-bytes <n>", "padding of a large value", positiveInteger, 6_000)
    .option("--think-ms <n>", "each client waits up to this long between operations", nonNegativeInteger, 50)
    .addOption(parsed("--nemesis <list>", "faults in turn: kill (kill a client, restart it as a new session), pause (SIGSTOP/SIGCONT the --server-pid processes), faults (lost requests and answers, 500/503, refused connections, latency in every client's storage)", nemesisList, [], "none"))
    .addOption(parsed("--nemesis-interval <seconds>", "quiet time before each fault", seconds, 10_000, "10"))
    .addOption(parsed("--nemesis-duration <seconds>", "how long each fault lasts", seconds, 5_000, "5"))
    .addOption(parsed("--server-pid <pid>", "a local server process for the pause nemesis; repeat for several (e.g. Ceph's mon, osd and radosgw)", pids, [], "none"))
    .addOption(parsed("--fault-rates <list>", "rates of the storage faults while 'faults' is active; names not given are 0", rates, DEFAULT_FAULT_RATES, assignmentList(DEFAULT_FAULT_RATES)))
    .option("--stale-ms <n>", "the protocol's bound B on entry staleness; every client of a manifest must agree", positiveInteger, 3_000)
    .option("--margin-ms <n>", "the protocol's clock margin", positiveInteger, 1_000)
    .option("--poll-ms <n>", "clients' poll interval", positiveInteger, 200)
    .addOption(parsed("--models <list>", "models to check, or groups (sessions, all)", models, [...CLAIMED_MODELS], `what MPS3 claims: ${CLAIMED_MODELS.join(",")}`))
    .addOption(parsed("--seed <n>", "seed of every choice of operation, key and fault; printed first", nonNegativeInteger, Math.floor(Math.random() * 1_000_000), "random"))
    .option("--out <dir>", "directory for the run's files (default: runs/<timestamp>)")
    .option("--history <file>", "where to save the history (default: <out>/history.jsonl)")
    .option("--report <dir>", "also write an HTML report (summary, verdict, witnesses, plots) to DIR/index.html")
    .addHelpText(
      "after",
      `\nThe connection settings default to the AWS_* and MPS3_S3_ENDPOINT variables (Ceph RGW from scripts/rgw-start.sh: set -a; . .rgw/env).
The history, the verdict with its witnesses and the report follow docs/history-format.md and the check command.\n\n${CHECK_EXIT_STATUS.replace("unreadable input or bad usage", "could not run, or bad usage")}`,
    )
    .action(async (flags: RunFlags) => context.setExitCode(await run(flags, context)));
}

async function run(flags: RunFlags, context: CliContext): Promise<number> {
  const options = runOptions(flags);
  const historyFile = flags.history ?? join(flags.out ?? join("runs", new Date().toISOString().replace(/[:.]/g, "-")), "history.jsonl");
  context.output.err(`run: seed ${options.seed}, ${describeTarget(options.target)}, history ${historyFile}\n`);
  const progress = runProgress(context.output);
  const outcome = await runJepsen({ ...options, onProgress: (update) => progress.update(update) }).finally(() => progress.stop());
  await mkdir(dirname(historyFile), { recursive: true });
  await writeFile(historyFile, outcome.jsonl);
  const summary = { ...outcome.summary, history: historyFile, warnings: outcome.warnings.length };
  context.output.out(Object.entries(summary).map(([name, value]) => `${name}: ${value}`).join("\n") + "\n\n");
  context.output.out(renderResult(outcome.result, outcome.history));
  if (outcome.warnings.length > 0) context.output.err(`client warnings (${outcome.warnings.length}), the first: ${outcome.warnings.slice(0, 3).join(" | ")}\n`);
  if (flags.report !== undefined) {
    const title = `Run against ${describeTarget(options.target)}`;
    context.output.err(`HTML report: ${await writeHtmlReport(flags.report, { title, history: outcome.history, result: outcome.result, summary })}\n`);
  }
  return outcome.result.valid === true ? 0 : outcome.result.valid === false ? 1 : 3;
}

function runOptions(flags: RunFlags): RunOptions {
  return {
    target: target(flags),
    clients: flags.clients,
    processes: flags.processes ?? false,
    durationMs: flags.duration,
    workload: { keys: flags.keys, weights: flags.weights, largeValueFraction: flags.largeValues, largeValueBytes: flags.largeValueBytes, thinkMsMax: flags.thinkMs },
    nemesis: { faults: flags.nemesis, intervalMs: flags.nemesisInterval, durationMs: flags.nemesisDuration, rates: flags.faultRates, serverPids: flags.serverPid },
    bounds: { staleMs: flags.staleMs, marginMs: flags.marginMs },
    pollFrequencyMs: flags.pollMs,
    versioning: flags.versioning ?? false,
    seed: flags.seed,
    models: flags.models,
  };
}

function target(flags: RunFlags): RunTarget {
  if (flags.simulator) return { kind: "simulator" };
  const accessKeyId = flags.accessKeyId ?? process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = flags.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY;
  const endpoint = flags.endpoint ?? process.env.MPS3_S3_ENDPOINT;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) throw new Error("give both the access key id and the secret access key, or neither");
  const s3 = {
    ...(endpoint === undefined ? {} : { endpoint }),
    region: flags.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(accessKeyId === undefined ? {} : { credentials: { accessKeyId, secretAccessKey: secretAccessKey! } }),
    forcePathStyle: flags.pathStyle,
  };
  if (flags.bucket === undefined) return { kind: "endpoint", s3, bucket: freshBucketName(), createBucket: true };
  return { kind: "endpoint", s3, bucket: flags.bucket, createBucket: flags.createBucket ?? false };
}

function freshBucketName(): string {
  return `mps3-run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function describeTarget(target: RunTarget): string {
  return target.kind === "simulator" ? "the in-memory simulator" : `${target.s3.endpoint ?? "AWS S3"} bucket ${target.bucket}`;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("not a positive integer");
  return n;
}

function nonNegativeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("not a non-negative integer");
  return n;
}

function seconds(text: string): number {
  const s = Number(text);
  if (!(s > 0)) throw new InvalidArgumentError("not a positive number of seconds");
  return Math.round(s * 1000);
}

function fraction(text: string): number {
  const f = Number(text);
  if (!(f >= 0 && f <= 1)) throw new InvalidArgumentError("not a number from 0 to 1");
  return f;
}

function pids(text: string, previous: number[]): number[] {
  return [...previous, positiveInteger(text)];
}

function nemesisList(text: string): NemesisFault[] {
  const faults = text.split(",").filter((name) => name !== "");
  for (const fault of faults)
    if (!NEMESIS_FAULTS.includes(fault as NemesisFault)) throw new InvalidArgumentError(`unknown fault ${JSON.stringify(fault)} (known: ${NEMESIS_FAULTS.join(", ")})`);
  return faults as NemesisFault[];
}

/** `name=value,...` with the names `known` has; the names not given are 0. */
function assignments<T extends string>(text: string, known: readonly T[], check: (value: number) => boolean): Record<T, number> {
  const result = Object.fromEntries(known.map((name) => [name, 0])) as Record<T, number>;
  for (const part of text.split(",")) {
    const [name, value, ...rest] = part.split("=");
    const n = Number(value);
    if (!known.includes(name as T) || rest.length > 0 || value === undefined || !check(n))
      throw new InvalidArgumentError(`bad ${JSON.stringify(part)} (expected name=number, names: ${known.join(", ")})`);
    result[name as T] = n;
  }
  return result;
}

function weights(text: string): OperationWeights {
  return assignments(text, Object.keys(DEFAULT_WEIGHTS) as (keyof OperationWeights)[], (n) => n >= 0);
}

function rates(text: string): Partial<FaultRates> {
  return assignments(text, ["delay", "lostRequest", "refused", "slowDown", "internalError", "lostResponse"] as const, (n) => n >= 0 && n <= 1);
}

function assignmentList(values: Record<string, number | undefined>): string {
  return Object.entries(values).map(([name, value]) => `${name}=${value}`).join(",");
}

/** An option whose value is parsed, with its default as help shows it. */
function parsed<T>(flags: string, description: string, parse: (text: string, previous: T) => T, value: T, shown: string): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}

function models(list: string): ModelName[] {
  try {
    return resolveModels(list.split(","));
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
