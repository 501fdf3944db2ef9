import { describe, expect, it, vi } from "vitest";
import { conformanceMain } from "./cli.ts";

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await conformanceMain(args, { log: (text) => (stdout += text), error: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("the conformance command", () => {
  it("rejects unknown options and a missing bucket with one line, a hint and exit status 2", async () => {
    expect(await run(["--bucket", "b", "--frobnicate"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown option '--frobnicate'\n(add --help for usage)\n",
    });
    expect(await run(["--endpoint", "http://127.0.0.1:7480"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: required option '--bucket <name>' not specified\n(add --help for usage)\n",
    });
  });

  it("exits 2 naming the cause when the endpoint cannot be reached", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    const { code, stdout, stderr } = await run(["--endpoint", "http://127.0.0.1:1", "--bucket", "b", "--path-style"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: cannot probe b: ECONNREFUSED/);
  });
});
