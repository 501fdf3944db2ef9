import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { check } from "../check.ts";
import type { ConformanceReport } from "../conformance/render-report.ts";
import { decideModes } from "../conformance/safe-modes.ts";
import { historyFromEvents, parseHistory, type History, type HistoryEvent } from "../history.ts";
import { renderHtmlReport, writeHtmlReport } from "./html-report.ts";
import { syntheticEvents } from "./synthetic-history.test-support.ts";

const sample = (name: string): History => parseHistory(readFileSync(new URL(`../samples/${name}`, import.meta.url), "utf8"));

const PROBES: ConformanceReport["probes"] = [
  { name: "read-after-write", result: "pass", detail: "10 overwrites", observedStatuses: [200] },
  { name: "list-order", result: "fail", detail: "keys <b>out</b> of order", observedStatuses: [200] },
  { name: "put-if-none-match [unversioned]", result: "not supported", detail: "501 NotImplemented", observedStatuses: [501] },
];
const CONFORMANCE: ConformanceReport = {
  endpoint: "http://127.0.0.1:7480",
  bucket: "conformance-bucket",
  probes: PROBES,
  modes: decideModes(PROBES),
  cleanupProblems: ["bucket conformance-bucket: BucketNotEmpty"],
};

/** The text of an element's content with tags dropped and the few entities the renderer writes decoded. */
function textOf(fragment: string): string {
  return fragment.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

function section(page: string, id: string): string {
  const match = new RegExp(`<section id="${id}">([\\s\\S]*?)</section>(?=<section id=|</body>)`).exec(page);
  expect(match, `section ${id}`).not.toBeNull();
  return match![1]!;
}

describe("renderHtmlReport", () => {
  it("shows the verdict, every model, and each anomaly's witness as the text renderer words it", async () => {
    const history = sample("invalid.jsonl");
    const result = check(history);
    const page = await renderHtmlReport({ title: "invalid sample", history, result });
    const verdict = textOf(section(page, "verdict"));
    expect(verdict).toContain("Invalid: 2 anomalies found.");
    // Model code, name, verdict and anomalies sit in adjacent cells.
    expect(verdict).toContain("cccausal consistencyanomaliesWriteCORead 1");
    expect(verdict).toContain("rywread your writesvalid0");
    expect(verdict).toContain("WriteCORead (1): a read returns a value overwritten in its causal past");
    expect(verdict).toContain("MonotonicWrites (1)");
    expect(verdict).toContain("Let T1 = process 1: write cart := [\"apple\"] #0");
    expect(verdict).toContain("However T6 read cart from T1, which T3 overwrote: a contradiction.");
    expect(page.match(/<pre class="witness">/g)).toHaveLength(2);
  });

  it("shows the anomalies as the checker found them when given a result without its history", async () => {
    const result = check(sample("invalid.jsonl"));
    const verdict = textOf(section(await renderHtmlReport({ title: "result only", result }), "verdict"));
    expect(verdict).toContain("Invalid: 2 anomalies found.");
    expect(verdict).toContain('"type": "WriteCORead"');
  });

  it("says valid for a valid history and draws both plots as SVG", async () => {
    const history = sample("valid.jsonl");
    const page = await renderHtmlReport({ title: "valid sample", history, result: check(history) });
    expect(textOf(section(page, "verdict"))).toContain("Valid: no anomalies found.");
    expect(textOf(section(page, "summary"))).toContain("span (s)0.41");
    const plots = section(page, "plots");
    expect(plots).toMatch(/<figure class="plot" id="latency-plot"><svg [^>]*width="\d+" height="\d+"/);
    expect(plots).toMatch(/<figure class="plot" id="throughput-plot"><svg /);
    expect(textOf(plots)).toContain("latency (ms)");
    expect(textOf(plots)).toContain("No nemesis events in this history.");
  });

  it("shades nemesis intervals from the history's nemesis events and names their faults", async () => {
    const text = readFileSync(new URL("../samples/valid.jsonl", import.meta.url), "utf8");
    const nemesis = [
      { index: 24, time: 1100, process: "nemesis", type: "info", f: "nemesis", value: { fault: "<script>pause</script>", phase: "start", detail: "SIGSTOP" } },
      { index: 25, time: 1200, process: "nemesis", type: "info", f: "nemesis", value: { fault: "<script>pause</script>", phase: "stop" } },
    ];
    const history = parseHistory(text + nemesis.map((event) => JSON.stringify(event)).join("\n"));
    const warn = vi.spyOn(console, "warn");
    const plots = section(await renderHtmlReport({ title: "nemesis", history }), "plots");
    expect(warn, "Vega-Lite warns about nothing in the specs").not.toHaveBeenCalled();
    warn.mockRestore();
    expect(plots).not.toContain("<script");
    expect(plots.match(/<g class="mark-rect role-mark/g), "one shaded layer per plot").toHaveLength(2);
    expect(textOf(plots)).toContain("Shaded: 1 nemesis interval (<script>pause</script>).");
    expect(textOf(plots)).toContain("<script>pause</script>0.100.20SIGSTOP");
  });

  it("escapes every user string: title, summary keys and values, keys in witnesses, conformance details", async () => {
    const history = historyFromEvents(
      [
        { process: 1, type: "invoke", f: "write", key: "<script>k</script>", value: "<img src=x onerror=alert(1)>" },
        { process: 1, type: "ok", f: "write", key: "<script>k</script>" },
        { process: 2, type: "invoke", f: "read", key: "<script>k</script>" },
        { process: 2, type: "ok", f: "read", key: "<script>k</script>", value: "never written" },
      ].map((event, index) => ({ ...event, index, time: index * 10 }) as HistoryEvent),
    );
    const summary = JSON.parse('{"__proto__": "<script>alert(1)</script>", "<b>endpoint</b>": 7}') as Record<string, string | number>;
    const page = await renderHtmlReport({ title: "</title><script>x</script>", history, result: check(history), summary, conformance: CONFORMANCE });
    expect(page).not.toMatch(/<script|<img|<b>/i);
    expect(textOf(section(page, "summary"))).toContain("__proto__<script>alert(1)</script><b>endpoint</b>7");
    expect(textOf(section(page, "verdict"))).toContain('read "<script>k</script>" = "never written", a value no write of "<script>k</script>" wrote.');
    expect(textOf(section(page, "conformance"))).toContain("keys <b>out</b> of order");
    expect(page).toContain("<title>&lt;/title>&lt;script>x&lt;/script></title>");
  });

  it("renders the conformance table: probes with result and detail, the modes, what is safe, cleanup problems", async () => {
    const text = textOf(section(await renderHtmlReport({ title: "conformance", conformance: CONFORMANCE }), "conformance"));
    expect(text).toContain("Endpoint http://127.0.0.1:7480, bucket conformance-bucket");
    expect(text).toContain("read-after-writepass20010 overwrites");
    expect(text).toContain("put-if-none-match [unversioned]not supported501501 NotImplemented");
    expect(text).toContain("timelogunsafelist-order");
    expect(text).toContain("Safe to run here: none");
    expect(text).toContain("Cleanup: bucket conformance-bucket: BucketNotEmpty");
  });

  it("says why there are no plots when the history has no times", async () => {
    const untimed = parseHistory(readFileSync(new URL("../samples/valid.jsonl", import.meta.url), "utf8").replace(/"time": \d+, /g, ""));
    const page = await renderHtmlReport({ title: "untimed", history: untimed });
    expect(textOf(section(page, "plots"))).toContain("The history's events carry no time field");
    expect(page).not.toContain("<svg");
  });

  it("renders a 10,000-operation history within a few seconds, downsampled and saying so", async () => {
    const history = historyFromEvents(syntheticEvents(10_000));
    const started = performance.now();
    const page = await renderHtmlReport({ title: "large", history });
    const elapsed_ms = performance.now() - started;
    console.log(`10,000 operations rendered in ${Math.round(elapsed_ms)} ms, ${(page.length / 1e6).toFixed(1)} MB`);
    expect(elapsed_ms).toBeLessThan(5_000);
    expect(textOf(section(page, "plots"))).toMatch(/Downsampled: 5000 of 10000 operations drawn/);
  });
});

describe("writeHtmlReport", () => {
  it("creates the directory and writes index.html there", async () => {
    const root = await mkdtemp(join(tmpdir(), "mps3-report-"));
    try {
      const path = await writeHtmlReport(join(root, "a", "b"), { title: "written" });
      expect(path).toBe(join(root, "a", "b", "index.html"));
      expect(await readFile(path, "utf8")).toMatch(/^<!DOCTYPE html>\n<html lang="en">[\s\S]*<h1>written<\/h1>/);
    } finally {
      await rm(root, { recursive: true });
    }
  });
});
