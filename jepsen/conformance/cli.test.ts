import { describe, expect, it, vi } from "vitest";
import { conformanceMain, USAGE } from "./cli.ts";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await conformanceMain(args, { log: (t) => out.push(t), error: (t) => err.push(t) });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("conformanceMain", () => {
  it("prints usage for --help", async () => {
    expect(await run(["--help"])).toEqual({ code: 0, stdout: USAGE, stderr: "" });
  });

  it("rejects unknown options and a missing bucket with exit status 2", async () => {
    const unknown = await run(["--bucket", "b", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/frobnicate[\s\S]*usage:/);
    const noBucket = await run(["--endpoint", "http://127.0.0.1:7480"]);
    expect(noBucket).toMatchObject({ code: 2, stdout: "" });
    expect(noBucket.stderr).toMatch(/^--bucket is required/);
  });

  it("exits 2 naming the cause when the endpoint cannot be reached", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    const { code, stderr } = await run(["--endpoint", "http://127.0.0.1:1", "--bucket", "b", "--path-style"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot probe b: ECONNREFUSED/);
  });
});
