import type { History, Operation, OperationKind } from "../history.ts";
import { nemesisIntervals, type NemesisInterval } from "./nemesis-intervals.ts";

export type Completion = Operation["status"];

export interface LatencyPoint {
  /** Invocation time, seconds since the history's first event. */
  time_s: number;
  latency_ms: number;
  f: OperationKind;
  status: Completion;
}

export interface ThroughputBin {
  /** Start of the bin, seconds since the history's first event. */
  time_s: number;
  f: OperationKind;
  status: Completion;
  per_s: number;
}

export interface PlotData {
  points: LatencyPoint[];
  /** Operations with an invocation and completion time, before sampling. */
  timedOperations: number;
  /** Operations other than notifications that have no latency: pending at the end, or missing a time. */
  untimedOperations: number;
  /** Points drawn at LATENCY_FLOOR_MS because their latency was below it (the latency axis is logarithmic). */
  flooredPoints: number;
  throughput: ThroughputBin[];
  binWidth_s: number;
  nemesis: NemesisInterval[];
  duration_s: number;
}

export type PlotSource = { plots: PlotData } | { noPlots: string };

export const LATENCY_FLOOR_MS = 0.1;
const TARGET_BINS = 100;

/**
 * What the latency and throughput plots draw. At most maxPoints latency
 * points: every fail and info, then ok ones evenly spread; ok points come
 * first so that the rarer ones are drawn over them.
 */
export function plotData(history: History, maxPoints: number): PlotSource {
  const time = new Map<number, number>();
  let origin_ms = Infinity;
  let end_ms = -Infinity;
  for (const event of history.events) {
    if (event.time === undefined) continue;
    time.set(event.index, event.time);
    origin_ms = Math.min(origin_ms, event.time);
    end_ms = Math.max(end_ms, event.time);
  }
  if (time.size === 0) return { noPlots: "The history's events carry no time field, so there is nothing to plot over time." };
  const timed = timedOperations(history.operations, time);
  if (timed.length === 0) return { noPlots: "No operation has both an invocation and a completion time, so there is nothing to plot." };
  const latencies = timed.map(({ operation, invoke_ms, complete_ms }) => ({
    time_s: (invoke_ms - origin_ms) / 1000,
    latency_ms: Math.max(complete_ms - invoke_ms, LATENCY_FLOOR_MS),
    f: operation.f,
    status: operation.status,
  }));
  const duration_s = (end_ms - origin_ms) / 1000;
  const binWidth_s = niceBinWidth(duration_s);
  return {
    plots: {
      points: sampleInDrawOrder(latencies, maxPoints),
      timedOperations: timed.length,
      untimedOperations: history.operations.filter((operation) => operation.f !== "notify").length - timed.length,
      flooredPoints: timed.filter(({ invoke_ms, complete_ms }) => complete_ms - invoke_ms < LATENCY_FLOOR_MS).length,
      throughput: throughput(history.operations, time, origin_ms, duration_s, binWidth_s),
      binWidth_s,
      nemesis: nemesisIntervals(history.events, origin_ms, end_ms),
      duration_s,
    },
  };
}

interface TimedOperation {
  operation: Operation;
  invoke_ms: number;
  complete_ms: number;
}

/** Operations with a latency: invoked and completed, both with a time (notifications are single events). */
function timedOperations(operations: readonly Operation[], time: ReadonlyMap<number, number>): TimedOperation[] {
  const timed: TimedOperation[] = [];
  for (const operation of operations) {
    if (operation.f === "notify" || operation.completion === undefined) continue;
    const invoke_ms = time.get(operation.index);
    const complete_ms = time.get(operation.completion);
    if (invoke_ms !== undefined && complete_ms !== undefined) timed.push({ operation, invoke_ms, complete_ms });
  }
  return timed;
}

function sampleInDrawOrder(points: LatencyPoint[], maxPoints: number): LatencyPoint[] {
  const rare = points.filter((point) => point.status !== "ok");
  const ok = points.filter((point) => point.status === "ok");
  if (points.length <= maxPoints) return [...ok, ...rare];
  const room = Math.max(maxPoints - rare.length, 0);
  return rare.length >= maxPoints ? spread(rare, maxPoints) : [...spread(ok, room), ...rare];
}

/** `count` items evenly spaced through `items`. */
function spread<T>(items: readonly T[], count: number): T[] {
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)]!);
}

/** A width of 1, 2 or 5 times a power of ten giving about TARGET_BINS bins, and at least a millisecond. */
function niceBinWidth(duration_s: number): number {
  const raw = Math.max(duration_s / TARGET_BINS, 0.001);
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].find((m) => m * power >= raw)!;
  return nice * power;
}

/** Completions per second in each bin, by function and completion; notifications count as ok completions. */
function throughput(
  operations: readonly Operation[],
  time: ReadonlyMap<number, number>,
  origin_ms: number,
  duration_s: number,
  binWidth_s: number,
): ThroughputBin[] {
  const binCount = Math.max(Math.ceil(duration_s / binWidth_s), 1);
  const series = new Map<string, { f: OperationKind; status: Completion; counts: number[] }>();
  for (const operation of operations) {
    const completion = operation.f === "notify" ? operation.index : operation.completion;
    const complete_ms = completion === undefined ? undefined : time.get(completion);
    if (complete_ms === undefined) continue;
    const name = `${operation.f} ${operation.status}`;
    let line = series.get(name);
    if (line === undefined) series.set(name, (line = { f: operation.f, status: operation.status, counts: new Array<number>(binCount).fill(0) }));
    const bin = Math.min(Math.floor((complete_ms - origin_ms) / 1000 / binWidth_s), binCount - 1);
    line.counts[bin]!++;
  }
  return [...series.values()].flatMap(({ f, status, counts }) =>
    counts.map((count, bin) => ({ time_s: bin * binWidth_s, f, status, per_s: count / binWidth_s })),
  );
}
