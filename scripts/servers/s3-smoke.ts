// A round trip through one fresh bucket on the endpoint in MPS3_S3_ENDPOINT
// (AWS_* credentials): CreateBucket, PutObject, ListObjectsV2, GetObject,
// printing each step. Usage: tsx scripts/servers/s3-smoke.ts [bucket]
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { createS3Client } from "../../impl/s3-client.ts";

const endpoint = process.env.MPS3_S3_ENDPOINT;
if (endpoint === undefined) throw new Error("MPS3_S3_ENDPOINT is not set");
const bucket = process.argv[2] ?? `smoke-${Date.now()}`;
const client = createS3Client({ endpoint, region: process.env.AWS_REGION ?? "us-east-1", forcePathStyle: true });
const body = `hello from s3-smoke at ${new Date().toISOString()}`;

await client.send(new CreateBucketCommand({ Bucket: bucket }));
console.log(`CreateBucket ${bucket}: ok`);
await client.send(new PutObjectCommand({ Bucket: bucket, Key: "a/b.txt", Body: body }));
console.log("PutObject a/b.txt: ok");
const listing = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
const keys = (listing.Contents ?? []).map((object) => object.Key);
console.log(`ListObjectsV2: ${JSON.stringify(keys)}`);
if (keys.length !== 1 || keys[0] !== "a/b.txt") throw new Error("the listing does not hold exactly a/b.txt");
const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a/b.txt" }));
const text = await got.Body?.transformToString();
if (text !== body) throw new Error(`GetObject returned ${JSON.stringify(text)}, expected ${JSON.stringify(body)}`);
console.log("GetObject a/b.txt: ok, same body");
