/**
 * The package as a user gets it: `npm pack` (which builds dist/), installed
 * from the tarball into a scratch project, imported by plain `node`, and
 * type-checked by a strict `tsc` with NodeNext and with bundler resolution;
 * its `mps3-verified` command run through npx.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(root, "node_modules", ".bin", "tsc");
// The library, the CLI (jepsen/cli.ts, jepsen/commands) and what it ships: the HTML report, the run engine.
const MAX_TARBALL_FILES = 320;

/** Without the npm_* variables of an enclosing `npm test`, which would point npm back at this repo. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

const exec = (command: string, args: string[], cwd: string) => run(command, args, { cwd, env: cleanEnv, maxBuffer: 16 << 20 });

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  size: number;
  files: PackedFile[];
}

const CONSUMER_JS = `
import { MPS3 } from "mps3-verified";
import { S3Simulator, VirtualClock } from "mps3-verified/model";
import { S3_MAX_KEYS } from "mps3-verified/protocol";
import { check, parseHistory } from "mps3-verified/jepsen";

const clock = new VirtualClock({ seed: 1 });
const sim = new S3Simulator(clock);
sim.createBucket("app", { versioning: false });
const writer = new MPS3({ defaultBucket: "app", storage: sim, env: clock.env(), log: false });
await clock.runUntilSettled(writer.put("greeting", { hello: "world" }));
const reader = new MPS3({ defaultBucket: "app", storage: sim, env: clock.env(), log: false });
const value = await clock.runUntilSettled(reader.get("greeting"));
await clock.runUntilSettled(Promise.all([writer.shutdown(), reader.shutdown()]));
const history = [
  { index: 0, time: 0, process: 1, type: "invoke", f: "write", key: "k", value: 1 },
  { index: 1, time: 1, process: 1, type: "ok", f: "write", key: "k", value: 1 },
  { index: 2, time: 2, process: 2, type: "invoke", f: "read", key: "k" },
  { index: 3, time: 3, process: 2, type: "ok", f: "read", key: "k", value: 2 },
].map((event) => JSON.stringify(event)).join("\\n");
const verdict = check(parseHistory(history)).valid;
console.log(\`read back \${JSON.stringify(value)}; S3_MAX_KEYS \${S3_MAX_KEYS}; a read of a value never written is valid: \${verdict}\`);
`;

const CONSUMER_TS = `
import { MPS3, type Json, type MPS3Options, type Storage } from "mps3-verified";
import { S3Simulator, VirtualClock } from "mps3-verified/model";
import { S3_MAX_KEYS } from "mps3-verified/protocol";
import { check, parseHistory, type CheckResult } from "mps3-verified/jepsen";

const clock = new VirtualClock({ seed: 1 });
const storage: Storage = new S3Simulator(clock);
const options: MPS3Options = { defaultBucket: "app", storage, env: clock.env(), log: false };
const db = new MPS3(options);
export const value: Promise<Json | undefined> = db.get("greeting");
// @ts-expect-error a key is a string or a ref, not a number
export const wrong = db.put(42, "x");
export const pageSize: number = S3_MAX_KEYS;
export const verdict: CheckResult = check(parseHistory(""));
`;

const STRICT = { target: "ES2022", strict: true, skipLibCheck: true, noEmit: true };
const TSCONFIGS = {
  "tsconfig.nodenext.json": { compilerOptions: { ...STRICT, module: "NodeNext", moduleResolution: "NodeNext" }, files: ["types.ts"] },
  "tsconfig.bundler.json": { compilerOptions: { ...STRICT, module: "ESNext", moduleResolution: "bundler" }, files: ["types.ts"] },
};

describe("the packed package, installed in a scratch project", () => {
  let dir: string;
  let project: string;
  let packed: PackResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mps3-pack-"));
    const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", dir], root);
    [packed] = JSON.parse(stdout) as [PackResult];
    console.log(`npm pack: ${packed.filename}, ${packed.files.length} files, ${packed.size} bytes`);

    project = join(dir, "consumer");
    await mkdir(project);
    await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await writeFile(join(project, "consume.mjs"), CONSUMER_JS);
    await writeFile(join(project, "start.mjs"), readmeQuickStart(await readFile(join(root, "README.md"), "utf8")));
    await writeFile(join(project, "types.ts"), CONSUMER_TS);
    for (const [name, config] of Object.entries(TSCONFIGS)) await writeFile(join(project, name), JSON.stringify(config));
    await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, packed.filename)], project);
    console.log(`npm install of the tarball into ${project}: done`);
  }, 120_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("holds only the build, the README and package.json", () => {
    const paths = packed.files.map((file) => file.path);
    const stray = paths.filter((path) => !/^dist\/.+\.(js|d\.ts)$/.test(path) && !["package.json", "README.md", "LICENSE"].includes(path));
    const tests = paths.filter((path) => /\.test\.|test-support|^dist\/(bench|scripts|examples)\//.test(path));
    expect(stray).toEqual([]);
    expect(tests).toEqual([]);
    expect(paths.length).toBeLessThanOrEqual(MAX_TARBALL_FILES);
  });

  it("runs under plain node: a client writes to the simulator and a second one reads it back", async () => {
    const { stdout } = await exec("node", ["consume.mjs"], project);
    console.log(`node consume.mjs: ${stdout.trim()}`);
    expect(stdout.trim()).toBe('read back {"hello":"world"}; S3_MAX_KEYS 1000; a read of a value never written is valid: false');
  });

  it("runs the README's quick start as pasted", async () => {
    const { stdout } = await exec("node", ["start.mjs"], project);
    console.log(`node start.mjs (the README's quick start):\n${stdout.trim()}`);
    expect(stdout).toContain('bob reads { hello: \'world\' }');
    expect(stdout).toContain("bob sees { hello: 'world' }");
  });

  it("runs the mps3-verified command through npx: --help lists the three commands, check exits 1 on an invalid history", async () => {
    // --no: never fetch a package of that name from the registry, only run the installed one.
    const { stdout } = await exec("npx", ["--no", "--", "mps3-verified", "--help"], project);
    console.log(`npx mps3-verified --help:\n${stdout.trim()}`);
    expect(stdout).toMatch(/^Usage: mps3-verified \[options\] \[command\]/);
    expect(stdout).toMatch(/^ {2}check \[options\] <history>/m);
    expect(stdout).toMatch(/^ {2}conformance \[options\]/m);
    expect(stdout).toMatch(/^ {2}run \[options\]/m);
    const sample = join(root, "jepsen", "samples", "invalid.jsonl");
    const checked = await exec("npx", ["--no", "--", "mps3-verified", "check", sample], project).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => error,
    );
    console.log(`npx mps3-verified check jepsen/samples/invalid.jsonl: exit ${checked.code}, ${checked.stdout.trim().split("\n").at(-1)}`);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/However T6 read cart from T1, which T3 overwrote: a contradiction/);
  });

  it.each(Object.keys(TSCONFIGS))("type-checks with a strict %s", async (config) => {
    const { stdout } = await exec(tsc, ["-p", config], project).catch((error: { stdout: string }) => error);
    console.log(`tsc -p ${config}: ${stdout.trim() || "no errors"}`);
    expect(stdout.trim()).toBe("");
  });
});

/** The first code block after the README's "Quick start" heading. */
function readmeQuickStart(readme: string): string {
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("the README has no js block under Quick start");
  return block[1]!;
}
