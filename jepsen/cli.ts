import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { check, resolveModels } from "./check.ts";
import { conformanceMain } from "./conformance/cli.ts";
import { HistoryError, parseHistory } from "./history.ts";
import { renderResult } from "./render.ts";

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

type Command = (args: string[], output: Output) => Promise<number>;

/** Subcommands; each returns the exit code. */
const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  conformance: (args) => conformanceMain(args),
};

const USAGE = `usage: jepsen <command> ...
  check <history.jsonl> [--models cc,cm,ccv,sessions,convergence,lost,atomic] [--json]
    exit 0 valid, 1 anomalies found, 2 unreadable input or bad usage, 3 undecided (unknown)
  conformance --endpoint URL --bucket NAME [--region R] [--path-style] [--create-bucket] [--json]
    probes an S3 endpoint; exit 0 all passed, 1 some probe failed, 2 could not run`;

export async function main(argv: string[], output: Output = standardOutput): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    output.err(`${USAGE}\n`);
    return 2;
  }
  try {
    return await command(args, output);
  } catch (error) {
    output.err(`${(error as Error).message}\n`);
    return 2;
  }
}

async function checkCommand(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { models: { type: "string" }, json: { type: "boolean", default: false } },
  });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new Error(USAGE);
  const models = values.models === undefined ? undefined : resolveModels(values.models.split(","));
  const history = await readHistory(file);
  const result = check(history, models === undefined ? {} : { models });
  output.out(values.json ? JSON.stringify(result, null, 2) + "\n" : renderResult(result, history));
  return result.valid === true ? 0 : result.valid === false ? 1 : 3;
}

async function readHistory(file: string) {
  const text = await readFile(file, "utf8");
  try {
    return parseHistory(text);
  } catch (error) {
    if (error instanceof HistoryError) throw new Error(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
}

const standardOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = await main(process.argv.slice(2));
