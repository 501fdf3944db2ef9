import { PROBE, probeName, type ProbeResult } from "./probe-result.ts";

export interface ModeVerdict {
  mode: string;
  verdict: "safe" | "unsafe" | "not tested";
  /** The probes that failed or did not run, when not safe. */
  because: string[];
}

const REQUIREMENTS: { mode: string; probes: string[] }[] = [
  {
    mode: "timelog",
    probes: [PROBE.readAfterWrite, PROBE.listAfterWrite, PROBE.listOrder, PROBE.pagination, PROBE.dateHeader],
  },
  ...(["unversioned", "versioned"] as const).map((kind) => ({
    mode: `cas on ${kind} buckets`,
    probes: [probeName(PROBE.conditionalCreate, kind), probeName(PROBE.exclusiveCreate, kind)],
  })),
];

/** Which protocol modes the probed endpoint can run safely: every probe a mode relies on must pass. */
export function decideModes(results: readonly ProbeResult[]): ModeVerdict[] {
  return REQUIREMENTS.map(({ mode, probes }) => {
    const outcomes = probes.map((name) => ({ name, result: results.find((r) => r.name === name)?.result }));
    const broken = outcomes.filter(({ result }) => result === "fail" || result === "not supported");
    if (broken.length > 0) return { mode, verdict: "unsafe", because: broken.map(({ name }) => name) };
    const untested = outcomes.filter(({ result }) => result !== "pass");
    if (untested.length > 0) return { mode, verdict: "not tested", because: untested.map(({ name }) => name) };
    return { mode, verdict: "safe", because: [] };
  });
}
