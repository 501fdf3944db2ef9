import { Presets, SingleBar } from "cli-progress";
import type { Output } from "../commands/cli-context.ts";
import type { RunProgress } from "./run-options.ts";

/** Seconds between progress lines when stderr is not a terminal (CI logs). */
const LINE_EVERY_MS = 10_000;

export interface RunProgressView {
  update(progress: RunProgress): void;
  stop(): void;
}

/** A bar over the workload's duration on a terminal; elsewhere a line on stderr every 10 s and at each phase. */
export function runProgress(output: Output): RunProgressView {
  const terminal = output.terminal;
  if (terminal === undefined) {
    let lastMs = -Infinity;
    let lastPhase = "";
    return {
      update: (progress) => {
        if (progress.phase === lastPhase && performance.now() - lastMs < LINE_EVERY_MS) return;
        lastMs = performance.now();
        lastPhase = progress.phase;
        output.err(`${describe(progress)}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar(
    { format: "{phase} [{bar}] {value}/{total} s | {operations} operations", stream: terminal, clearOnComplete: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (progress) => {
      const seconds = Math.min(Math.floor(progress.elapsedMs / 1000), progress.durationMs / 1000);
      if (!started) bar.start(progress.durationMs / 1000, 0, { phase: progress.phase, operations: 0 });
      started = true;
      bar.update(seconds, { phase: progress.phase, operations: progress.operations });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function describe({ phase, elapsedMs, durationMs, operations }: RunProgress): string {
  return `${phase}: ${(elapsedMs / 1000).toFixed(0)}/${durationMs / 1000} s, ${operations} operations`;
}
