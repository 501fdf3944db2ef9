import { describe, expect, it } from "vitest";
import { PROBE, probeName, type ProbeOutcome, type ProbeResult } from "./probe-result.ts";
import { decideModes } from "./safe-modes.ts";

const ALL_PROBES = [
  ...[PROBE.readAfterWrite, PROBE.listAfterWrite, PROBE.listOrder, PROBE.pagination, PROBE.dateHeader],
  ...(["unversioned", "versioned"] as const).flatMap((kind) => [
    probeName(PROBE.conditionalCreate, kind),
    probeName(PROBE.exclusiveCreate, kind),
  ]),
];

function results(overrides: Record<string, ProbeOutcome> = {}): ProbeResult[] {
  return ALL_PROBES.map((name) => ({ name, result: overrides[name] ?? "pass", detail: "", observedStatuses: [] }));
}

describe("decideModes", () => {
  it("calls every mode safe when every probe it needs passes", () => {
    expect(decideModes(results()).map((m) => [m.mode, m.verdict])).toEqual([
      ["timelog", "safe"],
      ["cas on unversioned buckets", "safe"],
      ["cas on versioned buckets", "safe"],
    ]);
  });

  it("rules out timelog when listing or the Date header is broken", () => {
    for (const probe of [PROBE.readAfterWrite, PROBE.listAfterWrite, PROBE.listOrder, PROBE.pagination, PROBE.dateHeader]) {
      const timelog = decideModes(results({ [probe]: "fail" }))[0];
      expect(timelog).toEqual({ mode: "timelog", verdict: "unsafe", because: [probe] });
    }
  });

  it("rules out cas on a bucket kind that ignores If-None-Match, leaving the other kind safe", () => {
    const modes = decideModes(
      results({
        [probeName(PROBE.conditionalCreate, "versioned")]: "fail",
        [probeName(PROBE.exclusiveCreate, "versioned")]: "fail",
      }),
    );
    expect(modes[1]).toMatchObject({ verdict: "safe" });
    expect(modes[2]).toEqual({
      mode: "cas on versioned buckets",
      verdict: "unsafe",
      because: ["put-if-none-match [versioned]", "exclusive-create-x10 [versioned]"],
    });
  });

  it("counts an unsupported header as unsafe and an untested or missing probe as not tested", () => {
    const modes = decideModes(
      results({
        [probeName(PROBE.conditionalCreate, "unversioned")]: "not supported",
        [probeName(PROBE.conditionalCreate, "versioned")]: "not tested",
      }).filter((r) => r.name !== PROBE.dateHeader),
    );
    expect(modes.map((m) => m.verdict)).toEqual(["not tested", "unsafe", "not tested"]);
    expect(modes[0]?.because).toEqual([PROBE.dateHeader]);
  });
});
