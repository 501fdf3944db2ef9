import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConformanceReport } from "../conformance/render-report.ts";
import { decideModes } from "../conformance/safe-modes.ts";
import { publishReport } from "./conformance.ts";

const PROBES: ConformanceReport["probes"] = [
  { name: "read-after-write", result: "pass", detail: "10 overwrites, each read back at once", observedStatuses: [200] },
  { name: "exclusive-create-x10 [unversioned]", result: "not supported", detail: "answered 501 NotImplemented", observedStatuses: [501] },
];
const REPORT: ConformanceReport = {
  endpoint: "http://127.0.0.1:8080",
  bucket: "probe",
  probes: PROBES,
  modes: decideModes(PROBES),
  cleanupProblems: [],
};

async function publish(flags: { json?: string | true; html?: string }) {
  let out = "";
  let err = "";
  await publishReport(REPORT, flags, { out: (text) => (out += text), err: (text) => (err += text) });
  return { out, err };
}

describe("the conformance command's report outputs", () => {
  it("prints the table, or the JSON instead for a bare --json and for --json -", async () => {
    expect((await publish({})).out).toMatch(/^S3 conformance of http:\/\/127\.0\.0\.1:8080, bucket probe\n\nPROBE {2,}RESULT/);
    for (const json of [true, "-"] as const) {
      const { out, err } = await publish({ json });
      expect(JSON.parse(out)).toEqual(REPORT);
      expect(err).toBe("");
    }
  });

  it("writes --json FILE and --html FILE besides the table and names them on stderr", async () => {
    const dir = await mkdtemp(join(tmpdir(), "conformance-"));
    const json = join(dir, "report.json");
    const html = join(dir, "report.html");
    const { out, err } = await publish({ json, html });
    expect(out).toMatch(/^S3 conformance of /);
    expect(err).toBe(`JSON report: ${json}\nHTML report: ${html}\n`);
    expect(JSON.parse(await readFile(json, "utf8"))).toEqual(REPORT);
    const page = await readFile(html, "utf8");
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain("<title>S3 conformance of http://127.0.0.1:8080</title>");
    expect(page).toMatch(/<table class="probes">[\s\S]*exclusive-create-x10 \[unversioned\][\s\S]*not supported[\s\S]*<\/table>/);
  });
});
