import { html } from "htm/preact";
import type { VNode } from "preact";
import type { History } from "../history.ts";
import { LATENCY_FLOOR_MS, plotData, type PlotData } from "./plot-data.ts";
import { latencySpec, renderSvg, throughputSpec } from "./plots.ts";

/** Beyond this many points the latency plot is sampled: SVG size and rendering time grow with every point. */
export const MAX_LATENCY_POINTS = 5000;

/** The latency and throughput plots, or why there are none. */
export async function plotsSection(history: History): Promise<VNode> {
  const source = plotData(history, MAX_LATENCY_POINTS);
  if ("noPlots" in source)
    return html`<section id="plots"><h2>Plots</h2><p class="note">${source.noPlots}</p></section>`;
  const data = source.plots;
  const [latency, throughput] = await Promise.all([renderSvg(latencySpec(data)), renderSvg(throughputSpec(data))]);
  return html`<section id="plots">
    <h2>Plots</h2>
    <figure class="plot" id="latency-plot" dangerouslySetInnerHTML=${{ __html: latency }}></figure>
    ${latencyNotes(data).map((note) => html`<p class="note">${note}</p>`)}
    <figure class="plot" id="throughput-plot" dangerouslySetInnerHTML=${{ __html: throughput }}></figure>
    <p class="note">${nemesisNote(data)}</p>
  </section>`;
}

function latencyNotes(data: PlotData): string[] {
  const notes = [
    `Each point is one operation: x its invocation, y its latency; colour its function, shape its completion (ok, fail, info). Notifications and operations without a completion are not drawn.`,
  ];
  if (data.points.length < data.timedOperations)
    notes.push(
      `Downsampled: ${data.points.length} of ${data.timedOperations} operations drawn (every fail and info first, then ok operations evenly spread); the throughput plot counts them all.`,
    );
  if (data.flooredPoints > 0)
    notes.push(`${data.flooredPoints} operations took under ${LATENCY_FLOOR_MS} ms and are drawn at ${LATENCY_FLOOR_MS} ms (the axis is logarithmic).`);
  return notes;
}

function nemesisNote(data: PlotData): string {
  if (data.nemesis.length === 0) return "No nemesis events in this history.";
  const faults = [...new Set(data.nemesis.map((interval) => interval.fault))];
  const count = data.nemesis.length;
  return `Shaded: ${count} nemesis interval${count === 1 ? "" : "s"} (${faults.join(", ")}).`;
}
