/**
 * Lets web pages use a bucket of the local Ceph RGW (or any S3 endpoint):
 * puts CORS rules that allow the client's methods and headers and expose the
 * response headers it reads.
 *
 *   npx tsx scripts/rgw-cors.ts <bucket> [--origin http://127.0.0.1:8080] [--create]
 *
 * The connection comes from MPS3_S3_ENDPOINT and AWS_* variables, else from
 * .rgw/env. The origin defaults to "*"; --create makes the bucket first.
 */
import { PutBucketCorsCommand, type S3Client } from "@aws-sdk/client-s3";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createBucket } from "../impl/s3-bucket-admin.ts";
import { createS3Client } from "../impl/s3-client.ts";
import { findRgw } from "../impl/s3-test-servers.ts";

/** Date is not a CORS-safelisted response header: without it exposed, the client cannot correct its clock. */
export const EXPOSED_HEADERS = ["ETag", "Date", "Last-Modified", "x-amz-version-id"];
const ALLOWED_METHODS = ["GET", "PUT", "DELETE", "HEAD", "POST"];
const PREFLIGHT_CACHE_S = 600;

export async function allowBrowserAccess(client: S3Client, bucket: string, origins: string[]): Promise<void> {
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: origins,
            AllowedMethods: ALLOWED_METHODS,
            AllowedHeaders: ["*"],
            ExposeHeaders: EXPOSED_HEADERS,
            MaxAgeSeconds: PREFLIGHT_CACHE_S,
          },
        ],
      },
    }),
  );
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { origin: { type: "string", multiple: true }, create: { type: "boolean", default: false } },
  });
  const [bucket] = positionals;
  if (bucket === undefined || positionals.length > 1) {
    throw new Error("usage: tsx scripts/rgw-cors.ts <bucket> [--origin <origin>]... [--create]");
  }
  const rgw = await findRgw();
  if (rgw === undefined) throw new Error("no S3 endpoint answers: start one with scripts/rgw-start.sh or set MPS3_S3_ENDPOINT");
  const client = createS3Client(rgw);
  if (values.create) await createBucket(client, bucket, "unversioned");
  const origins = values.origin ?? ["*"];
  await allowBrowserAccess(client, bucket, origins);
  console.log(`rgw-cors: ${bucket} at ${rgw.endpoint} allows ${origins.join(", ")}; exposes ${EXPOSED_HEADERS.join(", ")}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: Error) => {
    console.error(`rgw-cors: ${error.message}`);
    process.exit(1);
  });
}
