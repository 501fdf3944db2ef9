import type { HistoryEvent } from "../history.ts";

const PROCESSES = 4;
const THINK_MS = 4;

/** When the synthetic nemesis acts, as fractions of the history's span. */
const FAULTS = [
  { fault: "pause", detail: "SIGSTOP gateway", from: 0.3, to: 0.45 },
  { fault: "kill", detail: "SIGKILL client 2", from: 0.65, to: 0.7 },
];

/**
 * A timed history for the report's tests: four processes, each writing,
 * deleting and reading its own ten keys (so reads see the process's last
 * write). Latency grows while the gateway is paused, writes fail now and then,
 * and operations during a kill end in info (the process continues under a new
 * id); nemesis events mark the pause and the kill. With `staleRead`, the read in the middle returns an overwritten value:
 * one ReadYourWrites anomaly.
 */
export function syntheticEvents(operations: number, staleRead = false): HistoryEvent[] {
  const span_ms = syntheticSpan_ms(operations);
  const during = (fault: string, time: number): boolean =>
    FAULTS.some((f) => f.fault === fault && time >= f.from * span_ms && time < f.to * span_ms);
  const events: Omit<HistoryEvent, "index">[] = [];
  const clock_ms = Array.from({ length: PROCESSES }, (_, slot) => slot);
  const ids = Array.from({ length: PROCESSES }, (_, slot) => slot);
  const written = Array.from({ length: PROCESSES }, () => new Map<string, (number | null)[]>());
  let staled = false;
  for (let i = 0; i < operations; i++) {
    const slot = i % PROCESSES;
    const invoke_ms = clock_ms[slot]!;
    const key = `p${slot}-k${i % 10}`;
    const f = i % 3 === 0 ? "read" : i % 17 === 0 ? "delete" : "write";
    const latency_ms = 1 + (i % 23) + (during("pause", invoke_ms) ? 80 + (i % 200) : 0);
    const type = during("kill", invoke_ms) && i % 5 === 0 ? "info" : f !== "read" && i % 97 === 0 ? "fail" : "ok";
    const values = written[slot]!.get(key) ?? [];
    const value = f === "write" ? { value: i } : {};
    const stale = staleRead && !staled && f === "read" && i >= operations / 2 && values.length >= 2 && values.at(-2) !== values.at(-1);
    if (stale) staled = true;
    const read = stale ? values.at(-2)! : (values.at(-1) ?? null);
    events.push({ time: invoke_ms, process: ids[slot]!, type: "invoke", f, key, ...value });
    events.push({ time: invoke_ms + latency_ms, process: ids[slot]!, type, f, key, ...(f === "read" && type === "ok" ? { value: read } : value) });
    if (f !== "read" && type === "ok") written[slot]!.set(key, [...values, f === "write" ? i : null]);
    clock_ms[slot] = invoke_ms + latency_ms + THINK_MS;
    if (type === "info") ids[slot]! += PROCESSES;
  }
  return [...events, ...nemesisEvents(operations)].sort((a, b) => a.time! - b.time!).map((event, index) => ({ ...event, index }));
}

/** About how long a synthetic history of this many operations lasts. */
function syntheticSpan_ms(operations: number): number {
  return (operations / PROCESSES) * (12 + THINK_MS);
}

function nemesisEvents(operations: number): Omit<HistoryEvent, "index">[] {
  const span_ms = syntheticSpan_ms(operations);
  return FAULTS.flatMap(({ fault, detail, from, to }) =>
    (["start", "stop"] as const).map((phase) => ({
      time: (phase === "start" ? from : to) * span_ms,
      process: "nemesis",
      type: "info" as const,
      f: "nemesis" as const,
      value: { fault, phase, detail },
    })),
  );
}
