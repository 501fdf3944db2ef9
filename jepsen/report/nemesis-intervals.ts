import type { HistoryEvent, Json } from "../history.ts";

/** A stretch of time during which the nemesis had a fault active, in seconds since the history began. */
export interface NemesisInterval {
  fault: string;
  detail: string;
  start_s: number;
  end_s: number;
}

interface NemesisMark {
  fault: string;
  phase: "start" | "stop";
  detail: string;
}

/**
 * Pairs each nemesis `start` event with the next `stop` of the same fault;
 * a fault still active when the history ends lasts until its end.
 * Events: {"type":"info","f":"nemesis","time":T,"value":{"fault","phase","detail"}} (docs/history-format.md).
 */
export function nemesisIntervals(events: readonly HistoryEvent[], origin_ms: number, end_ms: number): NemesisInterval[] {
  const open = new Map<string, { detail: string; start_ms: number }>();
  const intervals: NemesisInterval[] = [];
  const close = (fault: string, detail: string, start_ms: number, stop_ms: number): void => {
    intervals.push({ fault, detail, start_s: (start_ms - origin_ms) / 1000, end_s: (stop_ms - origin_ms) / 1000 });
  };
  for (const event of events) {
    const mark = event.f === "nemesis" ? nemesisMark(event.value) : undefined;
    if (mark === undefined || event.time === undefined) continue;
    const started = open.get(mark.fault);
    if (mark.phase === "start") {
      if (started === undefined) open.set(mark.fault, { detail: mark.detail, start_ms: event.time });
      continue;
    }
    if (started === undefined) continue;
    open.delete(mark.fault);
    close(mark.fault, started.detail, started.start_ms, event.time);
  }
  for (const [fault, { detail, start_ms }] of open) close(fault, detail, start_ms, Math.max(end_ms, start_ms));
  return intervals.sort((a, b) => a.start_s - b.start_s);
}

function nemesisMark(value: Json | undefined): NemesisMark | undefined {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { fault, phase, detail } = value;
  if (typeof fault !== "string" || (phase !== "start" && phase !== "stop")) return undefined;
  return { fault, phase, detail: typeof detail === "string" ? detail : "" };
}
