import { html } from "htm/preact";
import type { VNode } from "preact";
import type { CheckResult, ModelName, Verdict } from "../check.ts";
import type { Anomaly, AnomalyType } from "../checkers/anomalies.ts";
import type { History } from "../history.ts";
import { ANOMALY_TITLES, countFor, MODEL_NAMES, verdictLine, witnessRenderer } from "../render.ts";

const VERDICT_CLASSES = { true: "valid", false: "invalid", unknown: "unknown" } as const;

function verdictClass(verdict: Verdict): string {
  return VERDICT_CLASSES[String(verdict) as keyof typeof VERDICT_CLASSES];
}

/** The overall verdict, one row per model checked, and every anomaly kept with its witness. */
export function verdictSection(result: CheckResult, history: History | undefined): VNode {
  return html`<section id="verdict">
    <h2>Verdict</h2>
    <p class=${`verdict ${verdictClass(result.valid)}`}>${verdictLine(result)}</p>
    ${modelTable(result)} ${anomalyList(result, history)}
  </section>`;
}

function modelTable(result: CheckResult): VNode {
  const rows = (Object.entries(result.models) as [ModelName, Verdict][]).map(
    ([model, verdict]) => html`<tr>
      <td><code>${model}</code></td>
      <td>${MODEL_NAMES[model]}</td>
      <td class=${verdictClass(verdict)}>${verdict === true ? "valid" : verdict === false ? "anomalies" : "unknown"}</td>
      <td>${verdict === "unknown" ? (result.unknown[model] ?? "") : countFor(result, model)}</td>
    </tr>`,
  );
  return html`<table class="models">
    <thead><tr><th>model</th><th></th><th>verdict</th><th>anomalies, or why unknown</th></tr></thead>
    <tbody>${rows}</tbody>
  </table>`;
}

function anomalyList(result: CheckResult, history: History | undefined): VNode | null {
  const groups = Object.entries(result.anomalies) as [AnomalyType, Anomaly[]][];
  if (groups.length === 0) return null;
  const witness = history === undefined ? undefined : witnessRenderer(history);
  return html`<h2>Anomalies</h2>
    ${groups.map(([type, anomalies]) => {
      const total = result.stats.anomalyCounts[type] ?? anomalies.length;
      const unkept = total - anomalies.length;
      return html`<section class="anomaly-type">
        <h3><code>${type}</code> (${total}): ${ANOMALY_TITLES[type]}</h3>
        ${anomalies.map((anomaly) => html`<pre class="witness">${witnessText(anomaly, witness)}</pre>`)}
        ${unkept > 0 ? html`<p class="note">… and ${unkept} more, counted but not kept as witnesses.</p>` : null}
      </section>`;
    })}`;
}

/** Without the history the operations cannot be described, so the anomaly is shown as the checker found it. */
function witnessText(anomaly: Anomaly, witness: ((anomaly: Anomaly) => string[]) | undefined): string {
  return witness === undefined ? JSON.stringify(anomaly, null, 2) : witness(anomaly).join("\n");
}
