import { Presets, SingleBar } from "cli-progress";
import type { Output } from "../commands/cli-context.ts";
import type { ProbeResult } from "./probe-result.ts";

export interface ProbeProgress {
  probeDone(result: ProbeResult, done: number, total: number): void;
  stop(): void;
}

/** A bar on a terminal; elsewhere (CI logs) one line on stderr per finished probe. */
export function probeProgress(output: Output): ProbeProgress {
  const terminal = output.terminal;
  if (terminal === undefined) {
    let lastMs = performance.now();
    return {
      probeDone: (result, done, total) => {
        const seconds = ((performance.now() - lastMs) / 1000).toFixed(1);
        lastMs = performance.now();
        output.err(`[${String(done).padStart(String(total).length)}/${total}] ${result.name}: ${result.result} (${seconds} s)\n`);
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar(
    { format: "probing [{bar}] {value}/{total} | {probe}", stream: terminal, clearOnComplete: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    probeDone: (result, done, total) => {
      if (!started) bar.start(total, 0, { probe: "" });
      started = true;
      bar.update(done, { probe: `${result.name}: ${result.result}` });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
