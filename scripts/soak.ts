/**
 * Runs as many simulation schedules as asked (default 10,000), each a random
 * world with faults, checked by the history checker and the reference model.
 * Stops at the first failure and prints its seed, fast-check path and history
 * file; `--seed=S --path=P` replays exactly that schedule, and with
 * `--shrink` shrinks it first (for at most `--shrink-minutes`) and prints the
 * smaller schedule's replay command. With `--keep-going` it runs every
 * schedule and tallies the failures by kind, each with the replay command of
 * its first schedule. `--world` names one of the tests' worlds (default
 * random). Prints which protocol paths and machine transitions the schedules
 * reached (jepsen/coverage.ts), and every transition of the protocol's tables
 * that none reached. `--workers N` splits the runs over N processes (seeds
 * S, S+1, ...) and adds up what they found.
 *
 *   npx tsx scripts/soak.ts [--runs 10000] [--workers N] [--world NAME] [--seed S]
 *     [--path P [--shrink]] [--mutant NAME] [--keep-going] [--history FILE]
 *   npm run soak -- --help
 */
import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SingleBar, Presets } from "cli-progress";
import { Command, InvalidArgumentError, Option } from "commander";
import fc from "fast-check";
import { MUTANT_NAMES, MUTANTS, type MutantName } from "../jepsen/protocol-mutants.ts";
import { assertCorrect, simulationProperty, WORLD_NAMES, WORLDS, type WorldName } from "../jepsen/simulation-commands.ts";
import type { SimulationResult } from "../jepsen/simulation.ts";
import { SoakTally, type TallyData } from "./soak-tally.ts";

interface SoakOptions {
  runs: number;
  workers: number;
  seed?: number;
  path?: string;
  mutant?: MutantName;
  history: string;
  keepGoing?: boolean;
  world: WorldName;
  shrink?: boolean;
  shrinkMinutes: number;
  /** Set by a parent soak: report to it instead of printing. */
  worker?: boolean;
}

/** What a worker process tells its parent. */
type WorkerMessage = { type: "schedule"; operations: number; failed: boolean } | { type: "done"; tally: TallyData; failedAt?: string };

const program = new Command("soak")
  .description("Runs simulation schedules, each a random world with faults, checked by the history checker and the reference model.")
  .addOption(new Option("--runs <n>", "schedules to run").argParser(positiveInteger).default(10_000))
  .addOption(new Option("--workers <n>", "processes to split the runs over (seeds S, S+1, ...)").argParser(positiveInteger).default(1))
  .addOption(new Option("--world <name>", "the tests' world to draw schedules from").choices(WORLD_NAMES).default("random"))
  .option("--seed <s>", "seed of the run (default: random)", integer)
  .option("--path <p>", "replay the one schedule at this fast-check path (with --seed)")
  .option("--shrink", "shrink the schedule --path names first, then print the smaller one's replay command")
  .option("--shrink-minutes <m>", "time limit of --shrink", positiveInteger, 20)
  .addOption(new Option("--mutant <name>", "run against a protocol with one rule broken").choices(MUTANT_NAMES))
  .option("--keep-going", "run every schedule and tally the failures by kind")
  .option("--history <file>", "where the first failing schedule's history goes", "soak-failure.jsonl")
  .addOption(new Option("--worker").hideHelp())
  .showHelpAfterError("(add --help for usage)")
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();
const values = program.opts<SoakOptions>();
if (values.shrink && values.path === undefined) program.error("error: --shrink shrinks the failing schedule --path names");
if (values.workers > 1 && values.path !== undefined) program.error("error: --path replays one schedule, in one process");

const runs = values.path === undefined ? values.runs : 1;
const keepGoing = values.keepGoing === true && values.path === undefined;
const seed = values.seed ?? Date.now() ^ (Math.random() * 0x100000000);
const mutantFlag = values.mutant === undefined ? "" : ` --mutant ${values.mutant}`;
const worldFlag = values.world === "random" ? "" : ` --world ${values.world}`;
const replay = (seedOfRun: number, path: string) => `npx tsx scripts/soak.ts${worldFlag} --seed=${seedOfRun} --path=${path}${mutantFlag}`;
// Off a terminal (CI, a log file), the bar is written as a line a minute.
const bar = new SingleBar(
  { format: "soak [{bar}] {value}/{total} schedules | {eta_formatted} left | {ops} ops | {failed} failed", noTTYOutput: true, notTTYSchedule: 60_000 },
  Presets.shades_classic,
);
const started = performance.now();

if (values.worker) await runWorker();
else if (values.workers > 1) await runParent();
else await runAlone();

/** Runs this process's schedules, shrinking or replaying as asked; stops at the first failure unless keeping going. */
async function runSchedules(onSchedule: (result: SimulationResult, run: number) => void) {
  const rules = values.mutant === undefined ? undefined : MUTANTS[values.mutant];
  let run = 0;
  const property = simulationProperty(WORLDS[values.world], rules, (result) => {
    onSchedule(result, run++);
    if (!keepGoing) assertCorrect(result);
  });
  return fc.check(property, {
    numRuns: runs,
    seed,
    ...(values.path !== undefined ? { path: values.path } : {}),
    ...(values.shrink ? { interruptAfterTimeLimit: values.shrinkMinutes * 60_000 } : { endOnFailure: true }),
  });
}

async function runAlone(): Promise<void> {
  const tally = new SoakTally();
  let failing: SimulationResult | undefined;
  bar.start(runs, 0, { ops: 0, failed: 0 });
  const outcome = await runSchedules((result, run) => {
    // While shrinking, each failing schedule is smaller than the one before.
    if (tally.record(result, seed, run) && (values.shrink || failing === undefined)) failing = result;
    bar.increment(1, { ops: tally.operations, failed: tally.failed });
  });
  bar.stop();
  console.log(`\n${tally.render(values.shrink ? " (while shrinking)" : "", seconds())}\n`);
  if (failing) writeFileSync(values.history, failing.jsonl);
  if (keepGoing) return reportFailures(tally, () => (failing ? values.history : undefined));
  if (!outcome.failed) {
    console.log("result               0 anomalies, 0 reference-model mismatches");
    return;
  }
  console.log(`result               FAILED after ${outcome.numRuns} schedules`);
  console.log(`replay               ${replay(seed, outcome.counterexamplePath!)}`);
  console.log(`history              ${values.history} (check it: npx tsx jepsen/cli.ts check ${values.history})`);
  console.log(String(outcome.errorInstance).split("\n").slice(0, 40).join("\n"));
  process.exitCode = 1;
}

/** A share of a parent's soak: each schedule and the final tally go to the parent. */
async function runWorker(): Promise<void> {
  const tally = new SoakTally();
  let failing: SimulationResult | undefined;
  const outcome = await runSchedules((result, run) => {
    const failed = tally.record(result, seed, run);
    if (failed && failing === undefined) failing = result;
    send({ type: "schedule", operations: result.history.operations.length, failed });
  });
  if (failing) writeFileSync(values.history, failing.jsonl);
  const failedAt = outcome.failed && !keepGoing ? outcome.counterexamplePath! : undefined;
  send({ type: "done", tally: tally.toData(), ...(failedAt !== undefined && { failedAt }) });
  process.disconnect?.();
}

function send(message: WorkerMessage): void {
  if (!process.send) throw new Error("--worker runs only as a process a soak started");
  process.send(message);
}

/** Splits the runs over worker processes, shows their progress as one, and adds up what they found. */
async function runParent(): Promise<void> {
  const tally = new SoakTally();
  const shares = Array.from({ length: values.workers }, (_, i) => Math.floor(runs / values.workers) + (i < runs % values.workers ? 1 : 0));
  const passOn = ["--world", values.world, ...(values.mutant ? ["--mutant", values.mutant] : []), ...(keepGoing ? ["--keep-going"] : [])];
  let operations = 0;
  let failed = 0;
  const stops: string[] = [];
  const histories = new Map<number, string>();
  bar.start(runs, 0, { ops: 0, failed: 0 });
  await Promise.all(
    shares.map(
      (share, i) =>
        new Promise<void>((resolve, reject) => {
          const history = values.history.replace(/(\.jsonl)?$/, `-${i}$1`);
          const child = fork(process.argv[1]!, [...passOn, "--worker", "--runs", String(share), "--seed", String(seed + i), "--history", history]);
          child.on("message", (message: WorkerMessage) => {
            if (message.type === "schedule") {
              operations += message.operations;
              if (message.failed) failed++;
              bar.increment(1, { ops: operations, failed });
              return;
            }
            tally.merge(message.tally);
            if (message.tally.failures.length > 0) histories.set(seed + i, history);
            if (message.failedAt !== undefined) stops.push(replay(seed + i, message.failedAt));
          });
          child.on("error", reject);
          child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`soak worker ${i} exited with ${code}`))));
        }),
    ),
  );
  bar.stop();
  console.log(`\n${tally.render(` (${values.workers} processes, seeds ${seed} to ${seed + values.workers - 1})`, seconds())}\n`);
  if (keepGoing || stops.length === 0) return reportFailures(tally, (seedOfRun) => histories.get(seedOfRun));
  console.log(`result               FAILED (${stops.length} of ${values.workers} processes stopped at a failure)`);
  for (const stop of stops) console.log(`replay               ${stop}`);
  console.log(`history              ${[...histories.values()].join(", ")}`);
  process.exitCode = 1;
}

/** `historyOf` names the file holding the first failing history of a process's seed. */
function reportFailures(tally: SoakTally, historyOf: (seedOfRun: number) => string | undefined): void {
  console.log(`result               ${tally.failed} of ${tally.schedules} schedules broke a claim`);
  const failures = tally.failures();
  for (const { kind, count, seed: seedOfRun, path } of failures)
    console.log(`  ${String(count).padStart(6)}  ${kind}\n          first: ${replay(seedOfRun, path)}`);
  const history = failures[0] && historyOf(failures[0].seed);
  if (history) console.log(`history              ${history} (the first failure of seed ${failures[0]!.seed}; check it: npx tsx jepsen/cli.ts check ${history})`);
  if (tally.failed > 0) process.exitCode = 1;
}

function seconds(): number {
  return (performance.now() - started) / 1000;
}

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError("not an integer");
  return value;
}

function positiveInteger(text: string): number {
  const value = integer(text);
  if (value < 1) throw new InvalidArgumentError("not a positive integer");
  return value;
}
