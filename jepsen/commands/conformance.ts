import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { createS3Client } from "../../impl/s3-client.ts";
import { errorCodeOf } from "../../impl/s3-errors.ts";
import { renderHtmlReport } from "../report/html-report.ts";
import { probeProgress } from "../conformance/probe-progress.ts";
import { renderJson, renderTable, type ConformanceReport } from "../conformance/render-report.ts";
import { runConformance } from "../conformance/run-conformance.ts";
import type { CliContext, Output } from "./cli-context.ts";

interface ConformanceFlags {
  endpoint?: string;
  bucket: string;
  region?: string;
  pathStyle?: boolean;
  createBucket?: boolean;
  /** `true` for a bare --json. */
  json?: string | true;
  html?: string;
}

export const CONFORMANCE_EXIT_STATUS = `Exit status:
  0  every probe passed or was not applicable
  1  some probe failed
  2  the probes could not run (usage, credentials, bucket)`;

const CONFORMANCE_HELP = `
Probes an S3-compatible endpoint for what the protocol relies on (read-after-write,
listing order and pagination, conditional PUTs and their races, versioning, ETags,
timestamps, odd keys) and names the protocol modes it can run safely. Credentials
come from the usual AWS environment variables or profiles. The report goes to
stdout; progress and the paths of report files go to stderr.

${CONFORMANCE_EXIT_STATUS}

Example:
  mps3-verified conformance --endpoint http://127.0.0.1:7480 --bucket probe --path-style --create-bucket`;

export function registerConformanceCommand(program: Command, context: CliContext): void {
  program
    .command("conformance")
    .description("probe an S3 endpoint for the behaviour the protocol relies on and name its safe modes")
    .option("--endpoint <url>", "e.g. http://127.0.0.1:7480 (default: AWS S3)")
    .requiredOption("--bucket <name>", "bucket to probe (created with --create-bucket)")
    .option("--region <region>", "default: $AWS_REGION, else us-east-1")
    .option("--path-style", "path-style URLs (endpoint/bucket/key), needed by most non-AWS stores")
    .option("--create-bucket", "create NAME and NAME-versioned when missing, delete them afterwards")
    .option("--json [file]", "write the report as JSON to FILE; to stdout instead of the table with - or no FILE")
    .option("--html <file>", "write the report as a self-contained HTML page to FILE")
    .addHelpText("after", CONFORMANCE_HELP)
    .action(async (flags: ConformanceFlags) => context.setExitCode(await conformance(flags, context)));
}

async function conformance(flags: ConformanceFlags, { output }: CliContext): Promise<number> {
  const region = flags.region ?? process.env.AWS_REGION ?? "us-east-1";
  const client = createS3Client({ endpoint: flags.endpoint, region, forcePathStyle: flags.pathStyle });
  const progress = probeProgress(output);
  let report: ConformanceReport;
  try {
    report = await runConformance({
      client,
      endpoint: flags.endpoint ?? `AWS S3 (${region})`,
      bucket: flags.bucket,
      createBuckets: flags.createBucket === true,
      onProbeDone: progress.probeDone,
    });
  } catch (error) {
    output.err(`error: cannot probe ${flags.bucket}: ${errorCodeOf(error)}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    progress.stop();
    client.destroy();
  }
  await publishReport(report, flags, output);
  return report.probes.some((probe) => probe.result === "fail") ? 1 : 0;
}

/** The table or JSON on stdout, and the report files asked for. */
export async function publishReport(report: ConformanceReport, flags: Pick<ConformanceFlags, "json" | "html">, output: Output): Promise<void> {
  const jsonToStdout = flags.json === true || flags.json === "-";
  output.out(`${jsonToStdout ? renderJson(report) : renderTable(report)}\n`);
  if (typeof flags.json === "string" && !jsonToStdout) {
    await writeFile(flags.json, `${renderJson(report)}\n`);
    output.err(`JSON report: ${flags.json}\n`);
  }
  if (flags.html !== undefined) {
    await writeFile(flags.html, await renderHtmlReport({ title: `S3 conformance of ${report.endpoint}`, conformance: report }));
    output.err(`HTML report: ${flags.html}\n`);
  }
}
