/** Bucket set-up and tear-down for integration tests and the conformance tool. */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  paginateListObjectsV2,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { errorCodeOf } from "./s3-errors.ts";
import { mapBounded } from "./s3-parallel.ts";

export type BucketKind = "unversioned" | "versioned";

const DELETE_CONCURRENCY = 16;

/** Creates the bucket (versioning enabled for "versioned"); false when it already was ours. */
export async function createBucket(client: S3Client, bucket: string, kind: BucketKind): Promise<boolean> {
  let created = true;
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (errorCodeOf(error) !== "BucketAlreadyOwnedByYou") throw error;
    created = false;
  }
  if (kind === "versioned") {
    await client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }),
    );
  }
  return created;
}

export async function isVersioningEnabled(client: S3Client, bucket: string): Promise<boolean> {
  const out = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  return out.Status === "Enabled";
}

/** Deletes every object under the prefix; in a versioned bucket, every version and delete marker. */
export async function deleteUnderPrefix(
  client: S3Client,
  bucket: string,
  prefix: string,
  kind: BucketKind,
): Promise<void> {
  const targets = kind === "versioned" ? await listVersions(client, bucket, prefix) : await listKeys(client, bucket, prefix);
  // A key's versions one at a time, its latest last: on Swift's s3api a DELETE of the latest version
  // while older ones remain never answers.
  const byKey = new Map<string, DeleteTarget[]>();
  for (const target of targets) {
    const versions = byKey.get(target.Key);
    if (versions === undefined) byKey.set(target.Key, [target]);
    else versions.push(target);
  }
  await mapBounded([...byKey.values()], DELETE_CONCURRENCY, async (versions) => {
    for (const { Key, VersionId } of versions.sort((a, b) => Number(a.latest) - Number(b.latest))) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId }));
    }
  });
}

export async function deleteBucket(client: S3Client, bucket: string, kind: BucketKind): Promise<void> {
  await deleteUnderPrefix(client, bucket, "", kind);
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

interface DeleteTarget {
  Key: string;
  VersionId?: string;
  latest: boolean;
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<DeleteTarget[]> {
  const targets: DeleteTarget[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const { Key } of page.Contents ?? []) if (Key !== undefined) targets.push({ Key, latest: true });
  }
  return targets;
}

async function listVersions(client: S3Client, bucket: string, prefix: string): Promise<DeleteTarget[]> {
  const targets: DeleteTarget[] = [];
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...markers }));
    for (const { Key, VersionId, IsLatest } of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (Key !== undefined) targets.push({ Key, VersionId, latest: IsLatest === true });
    }
    if (!page.IsTruncated) return targets;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
}
