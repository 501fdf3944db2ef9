import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { check, resolveModels, type ModelName } from "../check.ts";
import { HistoryError, parseHistory, type History } from "../history.ts";
import { renderResult } from "../render.ts";
import { writeHtmlReport } from "../report/html-report.ts";
import type { CliContext } from "./cli-context.ts";

interface CheckFlags {
  models?: ModelName[];
  json?: boolean;
  report?: string;
}

export const CHECK_EXIT_STATUS = `Exit status:
  0  valid: no anomalies found
  1  anomalies found (each printed with its witness)
  2  unreadable input or bad usage
  3  undecided: some model could not be decided (unknown)`;

export function registerCheckCommand(program: Command, context: CliContext): void {
  program
    .command("check")
    .description("check a recorded history (JSON lines) for anomalies against causal consistency and its relatives")
    .argument("<history>", "history file, one JSON event a line")
    .option("--models <list>", "comma-separated models or groups: cc,cm,ccv,sessions,convergence,lost,atomic (default: all)", parseModels)
    .option("--json", "print the result as JSON")
    .option("--report <dir>", "also write an HTML report (verdict, witnesses, plots) to DIR/index.html; its path goes to stderr")
    .addHelpText("after", `\n${CHECK_EXIT_STATUS}`)
    .action(async (file: string, flags: CheckFlags) => {
      let history: History;
      try {
        history = await readHistory(file);
      } catch (error) {
        context.output.err(`error: ${messageOf(error)}\n`);
        return context.setExitCode(2);
      }
      const result = check(history, flags.models === undefined ? {} : { models: flags.models });
      context.output.out(flags.json ? JSON.stringify(result, null, 2) + "\n" : renderResult(result, history));
      if (flags.report !== undefined) {
        const path = await writeHtmlReport(flags.report, { title: `Check of ${basename(file)}`, history, result });
        context.output.err(`HTML report: ${path}\n`);
      }
      context.setExitCode(result.valid === true ? 0 : result.valid === false ? 1 : 3);
    });
}

function parseModels(list: string): ModelName[] {
  try {
    return resolveModels(list.split(","));
  } catch (error) {
    throw new InvalidArgumentError(messageOf(error));
  }
}

async function readHistory(file: string): Promise<History> {
  const text = await readFile(file, "utf8");
  try {
    return parseHistory(text);
  } catch (error) {
    if (error instanceof HistoryError) throw new Error(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
