/**
 * Size of the browser build (impl/browser.ts: the MPS3 client and
 * FetchStorage), minified and gzipped, beside the original mps3's browser
 * build, and what in it costs the most.
 *
 *   npm run bench:bundle-size
 */
import { build, type Metafile, type Plugin } from "esbuild";
import { relative } from "node:path";
import { gzipSync } from "node:zlib";

const IMPL = new URL("../impl/", import.meta.url).pathname;
const BROWSER_ENTRY = `export * from "./browser.ts";`;
const ORIGINAL = { label: "original mps3 browser build (aws4fetch)", minBytes: 28_000, gzipBytes: 9_400 };
const TOP_CONTRIBUTORS = 15;

interface Output {
  bytes: Uint8Array;
  /** Loaded with the entry (statically imported), not on first use of a dynamic import. */
  initial: boolean;
}

/** What a bundler makes of the entry module (in impl/) for the browser, minified. */
async function bundle(
  entry: string,
  options: { splitting?: boolean; plugins?: Plugin[] } = {},
): Promise<{ outputs: Output[]; metafile: Metafile }> {
  const result = await build({
    stdin: { contents: entry, resolveDir: IMPL, sourcefile: "entry.ts", loader: "ts" },
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    splitting: options.splitting ?? false,
    outdir: "/bundle",
    write: false,
    metafile: true,
    logLevel: "error",
    plugins: options.plugins ?? [],
  });
  const initial = initialOutputs(result.metafile);
  const outputs = result.outputFiles.map((file) => ({
    bytes: file.contents,
    initial: initial.has(relative(process.cwd(), file.path)),
  }));
  return { outputs, metafile: result.metafile };
}

/** The entry's output and every chunk it imports statically, transitively. */
function initialOutputs(metafile: Metafile): Set<string> {
  const entry = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]!.entryPoint === "impl/entry.ts");
  const pending = entry === undefined ? [] : [entry];
  const initial = new Set(pending);
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    for (const imported of metafile.outputs[path]!.imports) {
      if (imported.kind === "import-statement" && !initial.has(imported.path)) {
        initial.add(imported.path);
        pending.push(imported.path);
      }
    }
  }
  return initial;
}

/** Leaves out the AWS SDK adapter that `s3Config` loads on first use, as an entry taking `storage` only would. */
const withoutS3ConfigPath: Plugin = {
  name: "without-s3Config-path",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/s3-storage\.ts$/ }, (args) =>
      args.importer.endsWith("lazy-s3-storage.ts") ? { path: args.path, external: true } : undefined,
    );
  },
};

function gzipBytes(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).length;
}

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((cells) => cells[i]!.length)));
  console.log(row(header, widths));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const cells of rows) console.log(row(cells, widths));
}

/** Minified bytes per package (node_modules) or per source file, largest first. */
function contributors(metafile: Metafile): Array<[name: string, bytes: number]> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input) ?? input;
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
}

function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
}

function partOf(name: string): string {
  if (name.startsWith("impl/fetch-storage")) return "FetchStorage's own code";
  if (name.startsWith("impl/") || name.startsWith("protocol/")) return "the MPS3 client";
  return name.startsWith("@aws-sdk/") || name.startsWith("@smithy/") ? "the AWS SDK" : "other libraries";
}

const oneFile = await bundle(BROWSER_ENTRY);
const split = await bundle(BROWSER_ENTRY, { splitting: true });
const storageOnly = await bundle(BROWSER_ENTRY, { plugins: [withoutS3ConfigPath] });
const clientAlone = await bundle(`export { MPS3 } from "./mps3.ts";`, { plugins: [withoutS3ConfigPath] });
const fetchStorageAlone = await bundle(`export { FetchStorage } from "./fetch-storage.ts";`);

const sizeRow = (label: string, outputs: Output[]) => {
  const bytes = outputs.reduce((sum, output) => sum + output.bytes.length, 0);
  const gzip = outputs.reduce((sum, output) => sum + gzipBytes(output.bytes), 0);
  return [label, kB(bytes), kB(gzip), gzip <= ORIGINAL.gzipBytes ? "yes" : `+${kB(gzip - ORIGINAL.gzipBytes)}`];
};
const sdkInputs = Object.keys(oneFile.metafile.inputs).filter((input) => packageOf(input)?.startsWith("@aws-sdk/"));

console.log(`Browser build of impl/browser.ts (esbuild: bundle, minify, platform browser, esm; gzip level 9)\n`);
printTable(
  ["build", "min", "gzip", `≤ ${kB(ORIGINAL.gzipBytes)} gzip`],
  [
    [ORIGINAL.label, kB(ORIGINAL.minBytes), kB(ORIGINAL.gzipBytes), "-"],
    sizeRow("ours, one file", oneFile.outputs),
    sizeRow("ours, code splitting: loaded with the entry", split.outputs.filter((output) => output.initial)),
    sizeRow("ours, code splitting: loaded on first s3Config use", split.outputs.filter((output) => !output.initial)),
    sizeRow("ours without the s3Config path (storage only)", storageOnly.outputs),
    sizeRow("  of which, alone: the MPS3 client", clientAlone.outputs),
    sizeRow("  of which, alone: FetchStorage", fetchStorageAlone.outputs),
  ],
);
console.log(
  sdkInputs.length === 0
    ? "\nThe AWS SDK is not in the one-file build."
    : `\nThe one-file build includes the AWS SDK (${sdkInputs.length} files): impl/lazy-s3-storage.ts imports ./s3-storage.ts for s3Config.`,
);

const parts = new Map<string, number>();
const ranked = contributors(storageOnly.metafile);
const total = ranked.reduce((sum, [, bytes]) => sum + bytes, 0);
for (const [name, bytes] of ranked) parts.set(partOf(name), (parts.get(partOf(name)) ?? 0) + bytes);
console.log(`\nWithout the s3Config path, by part (minified bytes before gzip):\n`);
printTable(
  ["part", "min", "share"],
  [...parts].sort((a, b) => b[1] - a[1]).map(([part, bytes]) => [part, kB(bytes), `${((100 * bytes) / total).toFixed(0)}%`]),
);
console.log(`\nBiggest contributors:\n`);
printTable(
  ["package or file", "min", "share"],
  ranked.slice(0, TOP_CONTRIBUTORS).map(([name, bytes]) => [name, kB(bytes), `${((100 * bytes) / total).toFixed(0)}%`]),
);
