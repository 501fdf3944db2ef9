import type { ProbeResult } from "./probe-result.ts";
import type { ModeVerdict } from "./safe-modes.ts";

export interface ConformanceReport {
  endpoint: string;
  bucket: string;
  versionedBucket?: string;
  probes: ProbeResult[];
  modes: ModeVerdict[];
  /** Objects or buckets the tool wrote but could not delete. */
  cleanupProblems: string[];
}

export function renderJson(report: ConformanceReport): string {
  return JSON.stringify(report, null, 2);
}

export function renderTable(report: ConformanceReport): string {
  const rows = [
    ["PROBE", "RESULT", "STATUSES", "DETAIL"],
    ...report.probes.map((probe) => [probe.name, probe.result, probe.observedStatuses.join(" "), probe.detail]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const table = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd());
  const modeWidth = Math.max(...report.modes.map((mode) => mode.mode.length));
  const modes = report.modes.map(
    (mode) =>
      `  ${mode.mode.padEnd(modeWidth)}  ${mode.verdict.toUpperCase()}${mode.because.length === 0 ? "" : ` (${mode.because.join(", ")})`}`,
  );
  const safe = report.modes.filter((mode) => mode.verdict === "safe").map((mode) => mode.mode);
  const versioned = report.versionedBucket === undefined ? "" : `, versioned bucket ${report.versionedBucket}`;
  return [
    `S3 conformance of ${report.endpoint}, bucket ${report.bucket}${versioned}`,
    "",
    ...table,
    "",
    "Protocol modes:",
    ...modes,
    `Safe to run here: ${safe.length === 0 ? "none" : safe.join("; ")}`,
    ...report.cleanupProblems.map((problem) => `Cleanup: ${problem}`),
  ].join("\n");
}
