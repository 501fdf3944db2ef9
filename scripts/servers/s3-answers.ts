// Exits 0 when the endpoint in MPS3_S3_ENDPOINT answers a signed ListBuckets
// with the AWS_* credentials; otherwise prints why and exits 1. The start
// scripts poll it for servers whose HTTP port opens before S3 works.
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../../impl/s3-client.ts";

const endpoint = process.env.MPS3_S3_ENDPOINT;
if (endpoint === undefined) {
  console.error("s3-answers: MPS3_S3_ENDPOINT is not set");
  process.exit(1);
}
const client = createS3Client({
  endpoint,
  region: process.env.AWS_REGION ?? "us-east-1",
  forcePathStyle: true,
  maxAttempts: 1,
  requestTimeoutMs: 5_000,
});
try {
  await client.send(new ListBucketsCommand({}));
} catch (error) {
  console.error(`s3-answers: ListBuckets on ${endpoint} failed: ${String(error)}`);
  process.exit(1);
}
