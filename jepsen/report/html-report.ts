import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { html } from "htm/preact";
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { CheckResult } from "../check.ts";
import type { ConformanceReport } from "../conformance/render-report.ts";
import type { History } from "../history.ts";
import { conformanceSection } from "./conformance-section.ts";
import { plotData, type PlotSource } from "./plot-data.ts";
import { plotsSection } from "./plots-section.ts";
import { REPORT_CSS } from "./style.ts";
import { verdictSection } from "./verdict-section.ts";

/** Beyond this many points the latency plot is sampled: SVG size and rendering time grow with every point. */
const MAX_LATENCY_POINTS = 5000;

export interface ReportInput {
  title: string;
  history?: History;
  result?: CheckResult;
  conformance?: ConformanceReport;
  summary?: Record<string, string | number>;
}

/** One self-contained HTML page: inline CSS and SVG plots, no scripts. Every value from the input is escaped. */
export async function renderHtmlReport(input: ReportInput): Promise<string> {
  const source = input.history === undefined ? undefined : plotData(input.history, MAX_LATENCY_POINTS);
  const plots = source === undefined ? null : await plotsSection(source);
  const page = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>${input.title}</title>
      <style dangerouslySetInnerHTML=${{ __html: REPORT_CSS }}></style>
    </head>
    <body>
      <h1>${input.title}</h1>
      ${summarySection(input, source)}
      ${input.result === undefined ? null : verdictSection(input.result, input.history)}
      ${plots}
      ${input.conformance === undefined ? null : conformanceSection(input.conformance)}
    </body>
  </html>`;
  return `<!DOCTYPE html>\n${renderToString(page)}\n`;
}

/** Writes the report to dir/index.html, creating dir if needed; returns the file's path. */
export async function writeHtmlReport(dir: string, input: ReportInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, "index.html");
  await writeFile(path, await renderHtmlReport(input));
  return path;
}

function summarySection(input: ReportInput, source: PlotSource | undefined): VNode | null {
  const span: [string, string][] = source !== undefined && "plots" in source ? [["span (s)", source.plots.duration_s.toFixed(2)]] : [];
  const entries: [string, string | number][] = [...Object.entries(input.summary ?? {}), ...historyFacts(input), ...span];
  if (entries.length === 0) return null;
  return html`<section id="summary">
    <h2>Summary</h2>
    <dl class="summary">${entries.map(([key, value]) => html`<dt>${key}</dt><dd>${value}</dd>`)}</dl>
  </section>`;
}

function historyFacts({ history, result }: ReportInput): [string, string | number][] {
  if (result !== undefined) {
    const { events, operations, processes, keys } = result.stats;
    return [["events", events], ["operations in the history (notifications included)", operations], ["processes", processes], ["keys written", keys]];
  }
  if (history === undefined) return [];
  return [["events", history.events.length], ["operations in the history (notifications included)", history.operations.length]];
}
