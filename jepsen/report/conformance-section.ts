import { html } from "htm/preact";
import type { VNode } from "preact";
import type { ConformanceReport } from "../conformance/render-report.ts";

const RESULT_CLASSES: Record<string, string> = { pass: "valid", fail: "invalid", "not supported": "invalid", "not tested": "unknown" };
const MODE_CLASSES: Record<string, string> = { safe: "valid", unsafe: "invalid", "not tested": "unknown" };

/** The conformance probes (result, statuses, detail) and which protocol modes are safe on the endpoint. */
export function conformanceSection(report: ConformanceReport): VNode {
  const safe = report.modes.filter((mode) => mode.verdict === "safe").map((mode) => mode.mode);
  return html`<section id="conformance">
    <h2>S3 conformance</h2>
    <p>
      Endpoint <code>${report.endpoint}</code>, bucket <code>${report.bucket}</code>
      ${report.versionedBucket === undefined ? null : html`, versioned bucket <code>${report.versionedBucket}</code>`}
    </p>
    <table class="probes">
      <thead><tr><th>probe</th><th>result</th><th>statuses</th><th>detail</th></tr></thead>
      <tbody>
        ${report.probes.map(
          (probe) => html`<tr>
            <td><code>${probe.name}</code></td>
            <td class=${RESULT_CLASSES[probe.result] ?? ""}>${probe.result}</td>
            <td>${probe.observedStatuses.join(" ")}</td>
            <td>${probe.detail}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h3>Protocol modes</h3>
    <table class="modes">
      <thead><tr><th>mode</th><th>verdict</th><th>because of</th></tr></thead>
      <tbody>
        ${report.modes.map(
          (mode) => html`<tr>
            <td>${mode.mode}</td>
            <td class=${MODE_CLASSES[mode.verdict] ?? ""}>${mode.verdict}</td>
            <td>${mode.because.join(", ")}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="safe">Safe to run here: ${safe.length === 0 ? "none" : safe.join("; ")}</p>
    ${report.cleanupProblems.length === 0
      ? null
      : html`<ul class="cleanup">${report.cleanupProblems.map((problem) => html`<li>Cleanup: ${problem}</li>`)}</ul>`}
  </section>`;
}
