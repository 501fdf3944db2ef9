import { describe, expect, it } from "vitest";
import { historyFromEvents, type HistoryEvent, type Json } from "../history.ts";
import { nemesisIntervals } from "./nemesis-intervals.ts";
import { LATENCY_FLOOR_MS, plotData, type PlotData } from "./plot-data.ts";
import { syntheticEvents } from "./synthetic-history.test-support.ts";

function nemesis(time: number, value: Json): HistoryEvent {
  return { index: time, time, process: "nemesis", type: "info", f: "nemesis", value };
}

function plotsOf(events: Omit<HistoryEvent, "index">[], maxPoints = 100): PlotData {
  const source = plotData(historyFromEvents(events.map((event, index) => ({ ...event, index }))), maxPoints);
  if ("noPlots" in source) throw new Error(source.noPlots);
  return source.plots;
}

describe("nemesisIntervals", () => {
  it("pairs each start with the next stop of its fault, in seconds since the origin", () => {
    const events = [
      nemesis(2000, { fault: "kill", phase: "start", detail: "SIGKILL client 1" }),
      nemesis(2500, { fault: "pause", phase: "start" }),
      nemesis(3000, { fault: "kill", phase: "stop" }),
      nemesis(4000, { fault: "pause", phase: "stop" }),
    ];
    expect(nemesisIntervals(events, 1000, 9000)).toEqual([
      { fault: "kill", detail: "SIGKILL client 1", start_s: 1, end_s: 2 },
      { fault: "pause", detail: "", start_s: 1.5, end_s: 3 },
    ]);
  });

  it("lets a fault still active at the end last until the end, and ignores stray stops and other events", () => {
    const events: HistoryEvent[] = [
      nemesis(1000, { fault: "faults", phase: "stop" }),
      nemesis(1500, { fault: "faults", phase: "start", detail: "500s" }),
      nemesis(1600, { fault: "faults", phase: "start", detail: "again" }),
      nemesis(1700, { phase: "start" }),
      nemesis(1800, "kill"),
      { index: 9, time: 1900, process: 3, type: "info", f: "write", key: "k", value: { fault: "kill", phase: "start" } },
      { index: 10, time: 1950, process: "nemesis", type: "info", f: "quiesce", value: { fault: "kill", phase: "start" } },
    ];
    expect(nemesisIntervals(events, 1000, 5000)).toEqual([{ fault: "faults", detail: "500s", start_s: 0.5, end_s: 4 }]);
  });
});

describe("plotData", () => {
  it("gives each completed operation its invocation time and latency; notifications and pending operations have none", () => {
    const plots = plotsOf([
      { time: 1000, process: 1, type: "invoke", f: "write", key: "k", value: 1 },
      { time: 1250, process: 1, type: "ok", f: "write", key: "k" },
      { time: 1500, process: 2, type: "ok", f: "notify", key: "k", value: 1 },
      { time: 2000, process: 2, type: "invoke", f: "read", key: "k" },
      { time: 2000, process: 2, type: "fail", f: "read", key: "k" },
      { time: 3000, process: 3, type: "invoke", f: "delete", key: "k" },
    ]);
    expect(plots.points).toEqual([
      { time_s: 0, latency_ms: 250, f: "write", status: "ok" },
      { time_s: 1, latency_ms: LATENCY_FLOOR_MS, f: "read", status: "fail" },
    ]);
    expect(plots.timedOperations).toBe(2);
    expect(plots.untimedOperations).toBe(1);
    expect(plots.flooredPoints).toBe(1);
    expect(plots.duration_s).toBe(2);
  });

  it("bins completions per second by function and completion, notifications included, with empty bins as zero", () => {
    const plots = plotsOf([
      { time: 0, process: 1, type: "invoke", f: "write", key: "k", value: 1 },
      { time: 10, process: 1, type: "ok", f: "write", key: "k" },
      { time: 20, process: 2, type: "ok", f: "notify", key: "k", value: 1 },
      { time: 10_000, process: 1, type: "invoke", f: "write", key: "k", value: 2 },
      { time: 10_000, process: 1, type: "ok", f: "write", key: "k" },
    ]);
    expect(plots.binWidth_s).toBe(0.1);
    const writes = plots.throughput.filter((bin) => bin.f === "write" && bin.status === "ok");
    expect(writes).toHaveLength(100);
    expect(writes[0]).toEqual({ time_s: 0, f: "write", status: "ok", per_s: 10 });
    expect(writes[99]!.per_s).toBe(10);
    expect(writes.slice(1, 99).every((bin) => bin.per_s === 0)).toBe(true);
    expect(plots.throughput.filter((bin) => bin.f === "notify" && bin.per_s > 0)).toEqual([{ time_s: 0, f: "notify", status: "ok", per_s: 10 }]);
  });

  it("samples beyond the limit: every fail and info kept, ok points evenly spread, drawn under the rarer ones", () => {
    const events = syntheticEvents(2000);
    const source = plotData(historyFromEvents(events), 500);
    if ("noPlots" in source) throw new Error(source.noPlots);
    const { points, timedOperations, throughput, binWidth_s } = source.plots;
    const rare = points.filter((point) => point.status !== "ok");
    expect(points).toHaveLength(500);
    expect(rare.length).toBe(events.filter((event) => event.f !== "nemesis" && (event.type === "fail" || event.type === "info")).length);
    expect(rare.length).toBeGreaterThan(10);
    expect(points.slice(-rare.length)).toEqual(rare);
    const okTimes = points.slice(0, -rare.length).map((point) => point.time_s);
    expect(Math.max(...okTimes) - Math.min(...okTimes)).toBeGreaterThan(source.plots.duration_s * 0.9);
    const counted = throughput.reduce((sum, bin) => sum + bin.per_s * binWidth_s, 0);
    expect(Math.round(counted)).toBe(timedOperations);
  });

  it("has no plots without times, and says so", () => {
    const source = plotData(historyFromEvents([{ index: 0, process: 1, type: "invoke", f: "read", key: "k" }]), 10);
    expect(source).toEqual({ noPlots: "The history's events carry no time field, so there is nothing to plot over time." });
    const partly = plotData(historyFromEvents([{ index: 0, time: 5, process: 1, type: "invoke", f: "read", key: "k" }, { index: 1, process: 1, type: "ok", f: "read", key: "k", value: null }]), 10);
    expect(partly).toEqual({ noPlots: "No operation has both an invocation and a completion time, so there is nothing to plot." });
  });
});
