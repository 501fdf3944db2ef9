import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../cli.ts";
import { parseHistory } from "../history.ts";

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

describe("mps3-verified run", () => {
  it("runs on the simulator, saves the history, prints the verdict and exits 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mps3-run-"));
    const { code, out, err } = await cli(
      "run", "--simulator", "--duration", "8", "--clients", "2", "--think-ms", "300",
      "--nemesis", "faults", "--nemesis-interval", "2", "--nemesis-duration", "2", "--seed", "11", "--out", dir,
    );
    expect(err).toMatch(/^run: seed 11, the in-memory simulator/);
    expect(out).toContain(`history: ${join(dir, "history.jsonl")}`);
    expect(out).toMatch(/Valid: no anomalies found\.\n$/);
    expect(code).toBe(0);
    const history = parseHistory(await readFile(join(dir, "history.jsonl"), "utf8"));
    expect(history.quiesce).toBeDefined();
    expect(history.events.some((event) => event.f === "nemesis")).toBe(true);
  }, 60_000);

  it("exits 2 on options no run can honour, with the reason", async () => {
    expect(await cli("run", "--simulator", "--processes")).toMatchObject({ code: 2, err: expect.stringMatching(/need an endpoint/) });
    expect(await cli("run", "--simulator", "--nemesis", "kill,crash")).toMatchObject({ code: 2, err: expect.stringMatching(/unknown fault "crash"/) });
    expect(await cli("run", "--simulator", "--weights", "put=1,scan=2")).toMatchObject({ code: 2, err: expect.stringMatching(/bad "scan=2"/) });
  });

  it("describes every option in --help", async () => {
    const { code, out } = await cli("run", "--help");
    expect(code).toBe(0);
    for (const option of ["--simulator", "--endpoint", "--processes", "--nemesis", "--server-pid", "--history", "--report", "--seed"])
      expect(out).toContain(option);
    expect(out).toMatch(/3 {2}undecided/);
  });
});
