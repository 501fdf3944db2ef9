/**
 * Runs as many simulation schedules as asked (default 10,000), each a random
 * world with faults, checked by the history checker and the reference model.
 * Stops at the first failure and prints its seed, fast-check path and history
 * file; `--seed=S --path=P` replays exactly that schedule.
 *
 *   npx tsx scripts/soak.ts [--runs 10000] [--seed S] [--path P] [--mutant NAME]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SingleBar, Presets } from "cli-progress";
import fc from "fast-check";
import { mutant, MUTANT_NAMES, type MutantName } from "../protocol/mutations.ts";
import { correctnessProperty, keepsClaims } from "../jepsen/simulation-commands.ts";
import type { SimulationResult } from "../jepsen/simulation.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10000" },
    seed: { type: "string" },
    path: { type: "string" },
    mutant: { type: "string" },
    history: { type: "string", default: "soak-failure.jsonl" },
  },
});

const runs = values.path === undefined ? Number(values.runs) : 1;
if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
if (values.mutant !== undefined && !MUTANT_NAMES.includes(values.mutant as MutantName)) {
  throw new Error(`unknown mutant ${values.mutant} (known: ${MUTANT_NAMES.join(", ")})`);
}

const totals = { schedules: 0, operations: 0, acknowledgedWrites: 0, virtualMs: 0, faults: {} as Record<string, number> };
let failing: SimulationResult | undefined;
const bar = new SingleBar({ format: "soak [{bar}] {value}/{total} schedules | {eta_formatted} left | {ops} ops" }, Presets.shades_classic);

const record = (result: SimulationResult) => {
  if (!keepsClaims(result)) failing ??= result;
  totals.schedules++;
  totals.operations += result.history.operations.length;
  totals.acknowledgedWrites += result.history.operations.filter((op) => op.writes.length > 0 && op.status === "ok").length;
  totals.virtualMs += result.virtualMs;
  for (const [kind, count] of Object.entries(result.faults)) totals.faults[kind] = (totals.faults[kind] ?? 0) + count;
  bar.increment(1, { ops: totals.operations });
};

const property = correctnessProperty({}, values.mutant ? mutant(values.mutant as MutantName) : undefined, record);
const started = performance.now();
bar.start(runs, 0, { ops: 0 });
const outcome = await fc.check(property, {
  numRuns: runs,
  endOnFailure: true,
  ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  ...(values.path !== undefined ? { path: values.path } : {}),
});
bar.stop();
const seconds = (performance.now() - started) / 1000;

console.log(`\nschedules run        ${totals.schedules}`);
console.log(`operations recorded  ${totals.operations} (${totals.acknowledgedWrites} acknowledged writes)`);
console.log(`virtual time         ${(totals.virtualMs / 3_600_000).toFixed(1)} h`);
console.log(`faults injected      ${Object.entries(totals.faults).map(([kind, n]) => `${kind} ${n}`).join(", ") || "none"}`);
console.log(`wall time            ${seconds.toFixed(1)} s`);
if (!outcome.failed) {
  console.log("result               0 anomalies, 0 reference-model mismatches");
} else {
  if (failing) writeFileSync(values.history, failing.jsonl);
  console.log(`result               FAILED after ${outcome.numRuns} schedules`);
  const mutantFlag = values.mutant === undefined ? "" : ` --mutant ${values.mutant}`;
  console.log(`replay               npx tsx scripts/soak.ts --seed=${outcome.seed} --path=${outcome.counterexamplePath}${mutantFlag}`);
  console.log(`history              ${values.history} (check it: npx tsx jepsen/cli.ts check ${values.history})`);
  console.log(String(outcome.errorInstance).split("\n").slice(0, 40).join("\n"));
  process.exitCode = 1;
}
