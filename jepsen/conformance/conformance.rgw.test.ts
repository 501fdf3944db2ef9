import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createS3Client } from "../../impl/s3-client.ts";
import { findRgw, RGW_SKIP_MESSAGE, uniqueBucketName } from "../../impl/s3-rgw-target.ts";
import { conformanceMain } from "./cli.ts";
import type { ConformanceReport } from "./render-report.ts";

const rgw = await findRgw();
if (rgw === undefined) console.warn(RGW_SKIP_MESSAGE);

/** What Ceph RGW 16 (Pacific) does, as measured by hand before this tool existed. */
const RGW_16_FINDINGS: Record<string, { result: string; detail?: RegExp }> = {
  "read-after-write": { result: "pass" },
  "list-after-write": { result: "pass" },
  "list-order": { result: "pass" },
  pagination: { result: "pass", detail: /pages of 1000 \+ 1/ },
  "etag-304": { result: "pass" },
  "date-header": { result: "pass", detail: /whole seconds/ },
  "last-modified-precision": {
    result: "pass",
    detail: /LIST: milliseconds; GET: whole seconds; HEAD: whole seconds/,
  },
  "odd-keys": { result: "pass" },
  versioning: { result: "pass" },
  "put-if-none-match [unversioned]": { result: "pass" },
  "put-if-match [unversioned]": { result: "fail", detail: /matches only the unquoted ETag/ },
  "exclusive-create-x10 [unversioned]": { result: "pass", detail: /1×200, 9×412/ },
  "put-if-none-match [versioned]": { result: "fail", detail: /WARNING: If-None-Match: \* silently ignored/ },
  "put-if-match [versioned]": { result: "fail", detail: /always fails/ },
  "exclusive-create-x10 [versioned]": { result: "fail", detail: /WARNING: 10 won/ },
  "if-match-race-x10 [versioned]": { result: "not supported" },
};

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await conformanceMain(args, {
    log: (text) => (stdout += text),
    error: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe.skipIf(rgw === undefined)("conformance against Ceph RGW", () => {
  const endpoint = rgw?.endpoint ?? "";
  const bucket = uniqueBucketName("conformance");

  beforeAll(() => {
    // The command takes credentials from the environment, as users run it.
    vi.stubEnv("AWS_ACCESS_KEY_ID", rgw?.credentials?.accessKeyId ?? "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", rgw?.credentials?.secretAccessKey ?? "");
    vi.stubEnv("AWS_REGION", rgw?.region ?? "");
  });

  it("finds exactly the known RGW 16 behaviour, names the safe modes and cleans up", async () => {
    const { code, stdout } = await run(["--endpoint", endpoint, "--bucket", bucket, "--path-style", "--create-bucket", "--json"]);
    const report = JSON.parse(stdout) as ConformanceReport;
    expect(code).toBe(1);
    for (const [name, expected] of Object.entries(RGW_16_FINDINGS)) {
      const probe = report.probes.find((p) => p.name === name);
      expect(probe, name).toMatchObject({ result: expected.result });
      if (expected.detail) expect(probe?.detail, name).toMatch(expected.detail);
    }
    // Losers of a concurrent If-Match race often get 500 instead of 412, so the outcome varies.
    const race = report.probes.find((p) => p.name === "if-match-race-x10 [unversioned]");
    expect(race?.detail).toMatch(/with unquoted ETags/);
    expect(race?.detail).not.toMatch(/WARNING/);
    expect(race?.observedStatuses.every((status) => [200, 412, 500].includes(status))).toBe(true);
    expect(report.modes).toEqual([
      { mode: "timelog", verdict: "safe", because: [] },
      { mode: "cas on unversioned buckets", verdict: "safe", because: [] },
      {
        mode: "cas on versioned buckets",
        verdict: "unsafe",
        because: ["put-if-none-match [versioned]", "exclusive-create-x10 [versioned]"],
      },
    ]);
    expect(report.cleanupProblems).toEqual([]);
    const client = createS3Client(rgw ?? { region: "us-east-1" });
    for (const name of [bucket, `${bucket}-versioned`]) {
      await expect(client.send(new HeadBucketCommand({ Bucket: name }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    }
  });

  it("refuses a missing bucket without --create-bucket", async () => {
    const { code, stderr } = await run(["--endpoint", endpoint, "--bucket", `${bucket}-absent`, "--path-style"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot probe .*NoSuchBucket/);
  });
});
