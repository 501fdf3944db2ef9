/** The figures a run reports beside its verdict. */
import type { FaultCounts } from "../../model/faulty-storage.ts";
import type { History } from "../history.ts";
import type { RunOptions } from "./run-options.ts";

export function summarize(options: RunOptions, history: History, faults: FaultCounts[], elapsedMs: number): Record<string, string | number> {
  const { target, nemesis } = options;
  const count = (status: string) => history.operations.filter((op) => op.f !== "notify" && op.status === status).length;
  const nemesisEvents = history.events.filter((event) => event.f === "nemesis");
  const injected: Record<string, number> = {};
  for (const counts of faults) for (const [fault, n] of Object.entries(counts)) injected[fault] = (injected[fault] ?? 0) + n;
  return {
    target: target.kind === "simulator" ? "in-memory simulator (virtual time)" : `${target.s3.endpoint ?? "AWS S3"} bucket ${target.bucket}`,
    clients: `${options.clients} ${options.processes ? "worker processes" : "in-process"}`,
    seed: options.seed,
    "duration (s)": options.durationMs / 1000,
    "elapsed (s)": Math.round(elapsedMs / 100) / 10,
    nemesis: nemesis.faults.length === 0 ? "none" : `${nemesis.faults.join(", ")} every ${nemesis.intervalMs / 1000} s for ${nemesis.durationMs / 1000} s`,
    "nemesis events": nemesisEvents.length,
    operations: history.operations.filter((op) => op.f !== "notify").length,
    ok: count("ok"),
    fail: count("fail"),
    "info (unknown)": count("info"),
    notifications: history.operations.filter((op) => op.f === "notify").length,
    "storage faults injected": Object.entries(injected).filter(([, n]) => n > 0).map(([fault, n]) => `${fault} ${n}`).join(", ") || "none",
  };
}
