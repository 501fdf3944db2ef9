import { describe, expect, it } from "vitest";
import { renderJson, renderTable, type ConformanceReport } from "./render-report.ts";

const REPORT: ConformanceReport = {
  endpoint: "http://127.0.0.1:7480",
  bucket: "b",
  versionedBucket: "b-versioned",
  probes: [
    { name: "read-after-write", result: "pass", detail: "10 overwrites", observedStatuses: [200] },
    {
      name: "put-if-none-match [versioned]",
      result: "fail",
      detail: "WARNING: silently ignored",
      observedStatuses: [200, 412],
    },
  ],
  modes: [
    { mode: "timelog", verdict: "safe", because: [] },
    { mode: "cas on versioned buckets", verdict: "unsafe", because: ["put-if-none-match [versioned]"] },
  ],
  cleanupProblems: [],
};

describe("renderTable", () => {
  it("aligns one row per probe and ends with the safe modes", () => {
    expect(renderTable(REPORT).split("\n")).toEqual([
      "S3 conformance of http://127.0.0.1:7480, bucket b, versioned bucket b-versioned",
      "",
      "PROBE                          RESULT  STATUSES  DETAIL",
      "read-after-write               pass    200       10 overwrites",
      "put-if-none-match [versioned]  fail    200 412   WARNING: silently ignored",
      "",
      "Protocol modes:",
      "  timelog                   SAFE",
      "  cas on versioned buckets  UNSAFE (put-if-none-match [versioned])",
      "Safe to run here: timelog",
    ]);
  });

  it("says when no mode is safe and lists what it could not clean up", () => {
    const text = renderTable({
      ...REPORT,
      versionedBucket: undefined,
      modes: [{ mode: "timelog", verdict: "not tested", because: ["date-header"] }],
      cleanupProblems: ["bucket b-versioned: BucketNotEmpty"],
    });
    expect(text).toMatch(/^S3 conformance of http:\/\/127\.0\.0\.1:7480, bucket b\n/);
    expect(text).toMatch(/  timelog  NOT TESTED \(date-header\)\nSafe to run here: none\nCleanup: bucket b-versioned: BucketNotEmpty$/);
  });
});

describe("renderJson", () => {
  it("round-trips the report", () => {
    expect(JSON.parse(renderJson(REPORT))).toEqual(REPORT);
  });
});
