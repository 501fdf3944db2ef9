import { parseArgs } from "node:util";
import { createS3Client } from "../../impl/s3-client.ts";
import { errorCodeOf } from "../../impl/s3-errors.ts";
import { renderJson, renderTable } from "./render-report.ts";
import { runConformance } from "./run-conformance.ts";

export const USAGE = `usage: conformance [--endpoint URL] --bucket NAME [--region R] [--path-style] [--json] [--create-bucket]

Probes an S3-compatible endpoint for what the protocol relies on and names the
protocol modes it can run safely. Credentials come from the usual AWS
environment variables or profiles. Omit --endpoint for AWS S3.

  --endpoint URL     e.g. http://127.0.0.1:7480
  --bucket NAME      bucket to probe (created with --create-bucket)
  --region R         default: $AWS_REGION, else us-east-1
  --path-style       path-style URLs (endpoint/bucket/key), needed by most non-AWS stores
  --json             print the report as JSON instead of a table
  --create-bucket    create NAME and NAME-versioned when missing, delete them afterwards

Exit status: 0 every probe passed or was not applicable, 1 some probe failed,
2 the probe could not run (usage, credentials, bucket).`;

interface Output {
  log(text: string): void;
  error(text: string): void;
}

/** The `conformance` command; `argv` holds the arguments after the command name. */
export async function conformanceMain(argv: string[], output: Output = console): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        endpoint: { type: "string" },
        bucket: { type: "string" },
        region: { type: "string" },
        "path-style": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "create-bucket": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    output.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    output.log(USAGE);
    return 0;
  }
  if (values.bucket === undefined) {
    output.error(`--bucket is required\n\n${USAGE}`);
    return 2;
  }
  const region = values.region ?? process.env.AWS_REGION ?? "us-east-1";
  const client = createS3Client({ endpoint: values.endpoint, region, forcePathStyle: values["path-style"] });
  try {
    const report = await runConformance({
      client,
      endpoint: values.endpoint ?? `AWS S3 (${region})`,
      bucket: values.bucket,
      createBuckets: values["create-bucket"],
    });
    output.log(values.json ? renderJson(report) : renderTable(report));
    return report.probes.some((probe) => probe.result === "fail") ? 1 : 0;
  } catch (error) {
    output.error(`conformance: cannot probe ${values.bucket}: ${errorCodeOf(error)}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    client.destroy();
  }
}
