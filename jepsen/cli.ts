#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import type { CliContext, Output } from "./commands/cli-context.ts";
import { registerCheckCommand } from "./commands/check.ts";
import { registerConformanceCommand } from "./commands/conformance.ts";
import { registerRunCommand } from "./run/command.ts";

export type { Output } from "./commands/cli-context.ts";

/** The whole command line; each command module registers its command on the program. */
export function createProgram(context: CliContext): Command {
  const program = new Command("mps3-verified")
    .description("Jepsen-style checks of mps3-verified histories and of S3-compatible endpoints")
    .configureOutput({
      writeOut: (text) => context.output.out(text),
      writeErr: (text) => context.output.err(text),
      getOutHelpWidth: () => context.output.columns ?? 80,
      getErrHelpWidth: () => context.output.terminal?.columns ?? 80,
    })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .addHelpCommand(false)
    .addHelpText("after", "\nRun `mps3-verified <command> --help` for a command's options and exit status.");
  registerCheckCommand(program, context);
  registerConformanceCommand(program, context);
  registerRunCommand(program, context);
  return program;
}

/** Runs the command line `argv` (without node and the script); resolves with the exit status. */
export async function main(argv: string[], output: Output = standardOutput()): Promise<number> {
  let exitCode = 0;
  const program = createProgram({ output, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    // Commander has printed its message already; its usage errors exit 1, ours exit 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    output.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

function standardOutput(): Output {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
    ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}),
  };
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  // npx runs the bin through a symlink, while import.meta.url is the real path.
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
