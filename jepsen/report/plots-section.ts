import { html } from "htm/preact";
import type { VNode } from "preact";
import { LATENCY_FLOOR_MS, type PlotData, type PlotSource } from "./plot-data.ts";
import { latencySpec, renderSvg, throughputSpec } from "./plots.ts";

/** The latency and throughput plots and the nemesis intervals, or why there are no plots. */
export async function plotsSection(source: PlotSource): Promise<VNode> {
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
    ${nemesisTable(data)}
  </section>`;
}

function nemesisTable(data: PlotData): VNode | null {
  if (data.nemesis.length === 0) return null;
  const seconds = (time_s: number): string => time_s.toFixed(2);
  return html`<table class="nemesis">
    <thead><tr><th>fault</th><th>from (s)</th><th>to (s)</th><th>detail</th></tr></thead>
    <tbody>
      ${data.nemesis.map(
        (interval) => html`<tr>
          <td>${interval.fault}</td>
          <td>${seconds(interval.start_s)}</td>
          <td>${seconds(interval.end_s)}</td>
          <td>${interval.detail}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function latencyNotes(data: PlotData): string[] {
  const notes = [
    `Each point is one operation: x its invocation, y its latency; colour its function, shape its completion (ok, fail, info; fail and info drawn larger). Notifications have no latency and are not drawn.`,
  ];
  if (data.untimedOperations > 0)
    notes.push(`${data.untimedOperations} operations are not drawn: they never completed (their outcome is unknown) or lack a time.`);
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
