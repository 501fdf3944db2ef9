import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { PlotData } from "./plot-data.ts";

const WIDTH = 860;
const HEIGHT = 300;
const FUNCTIONS = ["read", "write", "delete", "batch", "notify"];
const FUNCTION_COLOURS = ["#1f77b4", "#d62728", "#9467bd", "#2ca02c", "#8c564b"];
const COMPLETIONS = ["ok", "fail", "info"];
const TIME_AXIS = { field: "time_s", type: "quantitative", title: "time since start (s)" } as const;

/** Latency of every (sampled) operation against its invocation time, log scale; fail and info drawn larger; nemesis intervals shaded. */
export function latencySpec(data: PlotData): TopLevelSpec {
  return withNemesis(data, {
    data: { values: data.points },
    mark: { type: "point", filled: true, opacity: 0.65 },
    encoding: {
      x: { ...TIME_AXIS, scale: { domain: [0, data.duration_s], nice: false } },
      y: { field: "latency_ms", type: "quantitative", title: "latency (ms)", scale: { type: "log" } },
      color: { field: "f", type: "nominal", title: "operation", scale: { domain: FUNCTIONS, range: FUNCTION_COLOURS } },
      shape: {
        field: "status",
        type: "nominal",
        title: "completion",
        scale: { domain: COMPLETIONS, range: ["circle", "triangle-up", "cross"] },
      },
      size: { field: "status", type: "nominal", sort: COMPLETIONS, title: "completion", scale: { domain: COMPLETIONS, range: [14, 70, 70] } },
    },
  }, "Latency of every operation");
}

/** Completions per second in each bin, one line per function and completion. */
export function throughputSpec(data: PlotData): TopLevelSpec {
  return withNemesis(data, {
    data: { values: data.throughput },
    mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
    encoding: {
      x: { ...TIME_AXIS, scale: { domain: [0, data.duration_s], nice: false } },
      y: { field: "per_s", type: "quantitative", title: "completions per second" },
      color: { field: "f", type: "nominal", title: "operation", scale: { domain: FUNCTIONS, range: FUNCTION_COLOURS } },
      strokeDash: { field: "status", type: "nominal", title: "completion", scale: { domain: COMPLETIONS } },
      detail: { field: "status", type: "nominal" },
    },
  }, `Throughput (bins of ${data.binWidth_s} s)`);
}

type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

function withNemesis(data: PlotData, layer: Layer, title: string): TopLevelSpec {
  const shading: Layer[] =
    data.nemesis.length === 0
      ? []
      : [
          {
            data: { values: data.nemesis },
            mark: { type: "rect", opacity: 0.18 },
            encoding: {
              x: { field: "start_s", type: "quantitative" },
              x2: { field: "end_s" },
              fill: { field: "fault", type: "nominal", title: "nemesis", scale: { scheme: "set2" } },
            },
          },
        ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: WIDTH,
    height: HEIGHT,
    background: "white",
    layer: [...shading, layer],
    resolve: { scale: { color: "independent", fill: "independent" } },
  };
}

/** Compiles a Vega-Lite spec and renders it to an SVG document headless (no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
