import type { Command } from "commander";

/** Where a command writes; `terminal` is stderr when it is a terminal, for progress bars. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  terminal?: NodeJS.WriteStream;
  /** The width of stdout when it is a terminal, for wrapping help; 80 columns otherwise. */
  columns?: number;
}

/** What every command module gets besides the program it registers on. */
export interface CliContext {
  output: Output;
  /** Commander ignores what an action returns, so a command reports its exit status here. */
  setExitCode(code: number): void;
}

/**
 * A command module's entry: it adds its command with `program.command(...)`, which inherits
 * the program's output and error handling, and reports the exit status through the context.
 */
export type RegisterCommand = (program: Command, context: CliContext) => void;
