/** The conformance tool against every S3 server here: its findings on each, as measured, and its clean-up. */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createS3Client } from "../../impl/s3-client.ts";
import type { S3ConnectionConfig } from "../../impl/s3-client.ts";
import { connection, skipsWithout, testServers, uniqueBucketName, type TestServer } from "../../impl/s3-test-servers.ts";
import type { ConformanceReport } from "./render-report.ts";
import type { ModeVerdict } from "./safe-modes.ts";

interface Findings {
  /** Undefined where it depends on a varying probe. */
  exitCode?: number;
  probes: Record<string, { result: string; detail?: RegExp }>;
  /** Undefined where they depend on a varying probe. */
  modes?: ModeVerdict[];
  /** Whether the tool deletes every object and bucket it wrote. */
  cleansUp: boolean;
  /** Probes whose outcome varies from run to run. */
  varying?: (report: ConformanceReport) => void;
}

const PASS = { result: "pass" };
const ALL_SAFE: ModeVerdict[] = [
  { mode: "timelog", verdict: "safe", because: [] },
  { mode: "cas on unversioned buckets", verdict: "safe", because: [] },
  { mode: "cas on versioned buckets", verdict: "safe", because: [] },
];

const BUCKET_KINDS = ["unversioned", "versioned"] as const;
/** Both cas modes unsafe, each for its conditional create probes. */
const CAS_UNSAFE: ModeVerdict[] = BUCKET_KINDS.map((kind) => ({
  mode: `cas on ${kind} buckets`,
  verdict: "unsafe",
  because: [`put-if-none-match [${kind}]`, `exclusive-create-x10 [${kind}]`],
}));

/** The same expectation for every conditional-write probe on both kinds of bucket. */
function everyConditionalProbe(expected: { result: string; detail?: RegExp }): Findings["probes"] {
  return Object.fromEntries(
    ["put-if-none-match", "put-if-match", "exclusive-create-x10", "if-match-race-x10"].flatMap((probe) =>
      BUCKET_KINDS.map((kind) => [`${probe} [${kind}]`, expected]),
    ),
  );
}

/** What each server does, as measured here. */
const FINDINGS: Record<string, Findings> = {
  // Ceph RGW 16 (Pacific), as measured by hand before this tool existed.
  rgw: {
    exitCode: 1,
    probes: {
      "read-after-write": PASS,
      "list-after-write": PASS,
      "list-order": PASS,
      pagination: { result: "pass", detail: /pages of 1000 \+ 1/ },
      "etag-304": PASS,
      "date-header": { result: "pass", detail: /whole seconds/ },
      "last-modified-precision": {
        result: "pass",
        detail: /LIST: milliseconds; GET: whole seconds; HEAD: whole seconds/,
      },
      "odd-keys": PASS,
      versioning: PASS,
      "put-if-none-match [unversioned]": PASS,
      "put-if-match [unversioned]": { result: "fail", detail: /matches only the unquoted ETag/ },
      "exclusive-create-x10 [unversioned]": { result: "pass", detail: /1×200, 9×412/ },
      "put-if-none-match [versioned]": { result: "fail", detail: /WARNING: If-None-Match: \* silently ignored/ },
      "put-if-match [versioned]": { result: "fail", detail: /always fails/ },
      "exclusive-create-x10 [versioned]": { result: "fail", detail: /WARNING: 10 won/ },
      "if-match-race-x10 [versioned]": { result: "not supported" },
    },
    modes: [
      { mode: "timelog", verdict: "safe", because: [] },
      { mode: "cas on unversioned buckets", verdict: "safe", because: [] },
      {
        mode: "cas on versioned buckets",
        verdict: "unsafe",
        because: ["put-if-none-match [versioned]", "exclusive-create-x10 [versioned]"],
      },
    ],
    cleansUp: true,
    varying(report) {
      // Losers of a concurrent If-Match race often get 500 instead of 412.
      const race = report.probes.find((p) => p.name === "if-match-race-x10 [unversioned]");
      expect(race?.detail).toMatch(/with unquoted ETags/);
      expect(race?.detail).not.toMatch(/WARNING/);
      expect(race?.observedStatuses.every((status) => [200, 412, 500].includes(status))).toBe(true);
    },
  },
  // moto emulates AWS S3, conditional writes on versioned buckets included, but its
  // conditional creates are not always exclusive: now and then 2 of 10 concurrent ones win.
  moto: {
    probes: {
      "read-after-write": PASS,
      "list-after-write": PASS,
      "list-order": PASS,
      pagination: { result: "pass", detail: /pages of 1000 \+ 1/ },
      "etag-304": { result: "pass", detail: /with the ETag header/ },
      "date-header": { result: "pass", detail: /whole seconds/ },
      "last-modified-precision": { result: "pass", detail: /LIST: whole seconds; GET: whole seconds; HEAD: whole seconds/ },
      "odd-keys": PASS,
      versioning: PASS,
      "put-if-none-match [unversioned]": PASS,
      "put-if-match [unversioned]": { result: "pass", detail: /the current ETag, as returned, replaces/ },
      "put-if-none-match [versioned]": PASS,
      "put-if-match [versioned]": PASS,
    },
    cleansUp: true,
    varying(report) {
      const races = report.probes.filter((p) => /^(exclusive-create|if-match-race)-x10 /.test(p.name));
      expect(races).toHaveLength(4);
      for (const race of races) {
        if (race.result === "pass") expect(race.detail).toMatch(/1×200, 9×412/);
        else expect(race).toMatchObject({ result: "fail", detail: expect.stringMatching(/WARNING: \d+ won, updates lost/) });
      }
      expect(report.modes.find((mode) => mode.mode === "timelog")?.verdict).toBe("safe");
      for (const kind of BUCKET_KINDS) {
        const raceLost = races.some((race) => race.name === `exclusive-create-x10 [${kind}]` && race.result === "fail");
        expect(report.modes.find((mode) => mode.mode === `cas on ${kind} buckets`)?.verdict).toBe(raceLost ? "unsafe" : "safe");
      }
    },
  },
  // Swift's S3 layer answers every conditional PUT with 501 NotImplemented: a timelog-only server.
  swift: {
    exitCode: 0,
    probes: {
      "read-after-write": PASS,
      "list-after-write": PASS,
      "list-order": PASS,
      pagination: { result: "pass", detail: /pages of 1000 \+ 1/ },
      "etag-304": { result: "pass", detail: /with the ETag header/ },
      "date-header": { result: "pass", detail: /whole seconds/ },
      "last-modified-precision": { result: "pass", detail: /LIST: whole seconds; GET: whole seconds; HEAD: whole seconds/ },
      "odd-keys": PASS,
      versioning: PASS,
      ...everyConditionalProbe({ result: "not supported", detail: /501|never matches/ }),
    },
    modes: [
      { mode: "timelog", verdict: "safe", because: [] },
      ...CAS_UNSAFE,
    ],
    cleansUp: true,
  },
  // SeaweedFS's S3 gateway honours conditional writes on both kinds of bucket, but stores a backslash in a key as a slash.
  seaweedfs: {
    exitCode: 1,
    probes: {
      "read-after-write": PASS,
      "list-after-write": PASS,
      "list-order": PASS,
      pagination: { result: "pass", detail: /pages of 1000 \+ 1/ },
      "etag-304": { result: "pass", detail: /with the ETag header/ },
      "date-header": { result: "pass", detail: /whole seconds/ },
      "last-modified-precision": { result: "pass", detail: /LIST: whole seconds; GET: whole seconds; HEAD: whole seconds/ },
      "odd-keys": { result: "fail", detail: /LIST gave .*"&\$@=;:\+,\?\/\{\^\}%\]>\[~#\|"/ },
      versioning: PASS,
      ...everyConditionalProbe(PASS),
    },
    modes: ALL_SAFE,
    cleansUp: true,
  },
  // The known-bad control.
  s3rver: {
    exitCode: 1,
    probes: {
      "read-after-write": PASS,
      "list-after-write": PASS,
      "list-order": { result: "fail", detail: /LIST order \["B","a\/b","a b"/ },
      pagination: PASS,
      "etag-304": { result: "pass", detail: /304 \(without an ETag header\)/ },
      "date-header": PASS,
      "odd-keys": PASS,
      // It takes PUT ?versioning for a second CreateBucket.
      versioning: { result: "not supported", detail: /BucketAlreadyExists/ },
      "put-if-none-match [unversioned]": { result: "fail", detail: /WARNING: If-None-Match: \* silently ignored/ },
      "put-if-match [unversioned]": { result: "fail", detail: /WARNING: If-Match silently ignored/ },
      "exclusive-create-x10 [unversioned]": { result: "fail", detail: /WARNING: 10 won, updates lost/ },
      "if-match-race-x10 [unversioned]": { result: "fail", detail: /WARNING: 10 won, updates lost/ },
      "put-if-none-match [versioned]": { result: "not supported" },
      "put-if-match [versioned]": { result: "not supported" },
      "exclusive-create-x10 [versioned]": { result: "not supported" },
      "if-match-race-x10 [versioned]": { result: "not supported" },
    },
    modes: [
      { mode: "timelog", verdict: "unsafe", because: ["list-order"] },
      ...CAS_UNSAFE,
    ],
    // Concurrent DELETEs of keys in one directory race in its filesystem store (500 ENOENT).
    cleansUp: false,
  },
};

const PROBE_TIMEOUT_MS = 300_000;

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The command as users run it, with the server's credentials in its environment, so that servers can be probed at once. */
function run(config: S3ConnectionConfig, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: config.credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.credentials?.secretAccessKey,
    AWS_REGION: config.region,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "jepsen/cli.ts", "conformance", ...args], { cwd: REPO, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
    });
  });
}

const servers = await testServers();

// Each run takes a minute or more, mostly waiting, so the servers are probed at once.
describe("conformance of S3 servers", { concurrent: true }, () => {
  for (const server of servers) describe(server.label, () => conformanceSuite(server));
});

function conformanceSuite(server: TestServer) {
  if (skipsWithout(server)) {
    it.skip(`needs ${server.label} running`);
    return;
  }
  const config = connection(server);
  const endpoint = config.endpoint ?? "";
  const bucket = uniqueBucketName("conformance");

  it("finds exactly its measured behaviour and names the safe modes", { timeout: PROBE_TIMEOUT_MS }, async () => {
    const findings = findingsOf(server);
    const { code, stdout } = await run(config, ["--endpoint", endpoint, "--bucket", bucket, "--path-style", "--create-bucket", "--json"]);
    const report = JSON.parse(stdout) as ConformanceReport;
    for (const [name, expected] of Object.entries(findings.probes)) {
      const probe = report.probes.find((p) => p.name === name);
      expect(probe, name).toMatchObject({ result: expected.result });
      if (expected.detail) expect(probe?.detail, name).toMatch(expected.detail);
    }
    findings.varying?.(report);
    if (findings.modes) expect(report.modes).toEqual(findings.modes);
    expect(report.modes.find((mode) => mode.mode === "timelog")?.verdict === "safe", "timelogSafe in impl/s3-test-servers.ts").toBe(
      server.timelogSafe,
    );
    expect(code).toBe(findings.exitCode ?? (report.probes.some((probe) => probe.result === "fail") ? 1 : 0));
    if (findings.cleansUp) {
      expect(report.cleanupProblems).toEqual([]);
      const client = createS3Client(config);
      for (const name of [bucket, `${bucket}-versioned`]) {
        await expect(client.send(new HeadBucketCommand({ Bucket: name }))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 404 },
        });
      }
    }
  });

  it("refuses a missing bucket without --create-bucket", async () => {
    const { code, stderr } = await run(config, ["--endpoint", endpoint, "--bucket", `${bucket}-absent`, "--path-style"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot probe .*NoSuchBucket/);
  });
}

function findingsOf(server: TestServer): Findings {
  const findings = FINDINGS[server.name];
  if (findings === undefined) throw new Error(`no measured findings for ${server.label}: measure them and add them here`);
  return findings;
}
