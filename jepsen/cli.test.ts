import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./cli.ts";

const samples = join(import.meta.dirname, "samples");

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe("jepsen CLI", () => {
  it("exits 0 on the valid sample", async () => {
    const { code, out } = await run("check", join(samples, "valid.jsonl"));
    expect(code).toBe(0);
    expect(out).toMatch(/Valid: no anomalies found/);
  });

  it("exits 1 on the invalid sample and prints the witness", async () => {
    const { code, out } = await run("check", join(samples, "invalid.jsonl"));
    expect(code).toBe(1);
    expect(out).toMatch(/WriteCORead \(1\)/);
    expect(out).toMatch(/However T6 read cart from T1, which T3 overwrote: a contradiction/);
  });

  it("prints the result as JSON and restricts models", async () => {
    const { code, out } = await run("check", join(samples, "invalid.jsonl"), "--models", "sessions", "--json");
    expect(code).toBe(1);
    const result = JSON.parse(out) as { models: Record<string, unknown>; anomalies: Record<string, { expected: number }[]> };
    expect(result.models).toEqual({ ryw: true, mr: true, mw: false, wfr: true });
    expect(result.anomalies.MonotonicWrites?.[0]?.expected).toBe(4);
  });

  it("writes the HTML report with --report DIR and names its path on stderr", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "jepsen-")), "report");
    const { code, out, err } = await run("check", join(samples, "invalid.jsonl"), "--report", dir);
    expect(code).toBe(1);
    expect(out).toMatch(/Invalid: 2 anomalies found/);
    expect(err).toBe(`HTML report: ${join(dir, "index.html")}\n`);
    const page = readFileSync(join(dir, "index.html"), "utf8");
    expect(page).toContain("<title>Check of invalid.jsonl</title>");
    expect(page).toContain("WriteCORead");
  });

  it("exits 2 with the line and reason on unreadable input", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "jepsen-")), "bad.jsonl");
    writeFileSync(file, '{"process":1,"type":"invoke","f":"read","key":"x"}\nnot json\n');
    const { code, err } = await run("check", file);
    expect(code).toBe(2);
    expect(err).toMatch(/bad\.jsonl:2: bad JSON/);
  });

  it("exits 2 on an unknown model, option or command, with one line and a hint", async () => {
    const model = await run("check", join(samples, "valid.jsonl"), "--models", "linearizable");
    expect(model).toMatchObject({ code: 2, out: "" });
    expect(model.err).toMatch(/^error: option '--models <list>' argument 'linearizable' is invalid\. unknown model "linearizable" \(known: cc,/);
    expect(await run("judge")).toEqual({ code: 2, out: "", err: "error: unknown command 'judge'\n(add --help for usage)\n" });
    expect(await run("check", "--frobnicate", join(samples, "valid.jsonl"))).toEqual({
      code: 2,
      out: "",
      err: "error: unknown option '--frobnicate'\n(add --help for usage)\n",
    });
    expect((await run("check")).err).toBe("error: missing required argument 'history'\n(add --help for usage)\n");
  });

  it("prints the commands for --help and exits 0; without a command the same on stderr, exit 2", async () => {
    const help = await run("--help");
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out).toMatch(/^Usage: mps3-verified \[options\] \[command\]/);
    expect(help.out).toMatch(/^ {2}check \[options\] <history> /m);
    expect(help.out).toMatch(/^ {2}conformance \[options\] /m);
    expect(await run()).toEqual({ code: 2, out: "", err: help.out });
  });

  it("prints each command's options and exit status for --help and exits 0", async () => {
    const check = await run("check", "--help");
    expect(check).toMatchObject({ code: 0, err: "" });
    expect(check.out).toMatch(/^Usage: mps3-verified check \[options\] <history>/);
    expect(check.out).toMatch(/--models <list>[\s\S]*3 {2}undecided/);
    const conformance = await run("conformance", "--help");
    expect(conformance).toMatchObject({ code: 0, err: "" });
    expect(conformance.out).toMatch(/--bucket <name>[\s\S]*--json \[file\][\s\S]*2 {2}the probes could not run/);
  });

  it("exits 3 when a model cannot be decided", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "jepsen-")), "no-quiesce.jsonl");
    writeFileSync(file, '{"process":1,"type":"invoke","f":"read","key":"x"}\n{"process":1,"type":"ok","f":"read","key":"x","value":null}\n');
    const { code, out } = await run("check", file, "--models", "convergence");
    expect(code).toBe(3);
    expect(out).toMatch(/no quiesce marker/);
  });

  it("prints what docs/running.md shows for each --help", async () => {
    const docs = readFileSync(join(import.meta.dirname, "..", "docs", "running.md"), "utf8");
    const shown = [...docs.matchAll(/^```\n\$ npx mps3-verified (.*)\n([\s\S]*?)^```$/gm)];
    expect(shown.map(([, command]) => command)).toEqual(["--help", "check --help", "conformance --help"]);
    for (const [, command, text] of shown) expect((await run(...command!.split(" "))).out, command).toBe(text);
  });
});
