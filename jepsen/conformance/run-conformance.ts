import type { S3Client } from "@aws-sdk/client-s3";
import {
  createBucket,
  deleteBucket,
  deleteUnderPrefix,
  isVersioningEnabled,
  type BucketKind,
} from "../../impl/s3-bucket-admin.ts";
import { errorCodeOf } from "../../impl/s3-errors.ts";
import { S3Storage } from "../../impl/s3-storage.ts";
import { StatusLog, type ProbeContext } from "./probe-context.ts";
import { oddKeys } from "./probe-odd-keys.ts";
import { PROBE, fail, notSupported, probeName, type ProbeResult, type Verdict } from "./probe-result.ts";
import { versioning } from "./probe-versioning.ts";
import { conditionalCreate, conditionalReplace, etag304, exclusiveCreate, ifMatchRace } from "./probes-conditional.ts";
import { listAfterWrite, listOrder, pagination, readAfterWrite } from "./probes-consistency.ts";
import { dateHeader, lastModifiedPrecision } from "./probes-timestamps.ts";
import type { ConformanceReport } from "./render-report.ts";
import { decideModes } from "./safe-modes.ts";

type Probe = (ctx: ProbeContext) => Promise<Verdict>;

const ON_ANY_BUCKET: [string, Probe][] = [
  [PROBE.readAfterWrite, readAfterWrite],
  [PROBE.listAfterWrite, listAfterWrite],
  [PROBE.listOrder, listOrder],
  [PROBE.pagination, pagination],
  [PROBE.etag304, etag304],
  [PROBE.dateHeader, dateHeader],
  [PROBE.lastModifiedPrecision, lastModifiedPrecision],
  [PROBE.oddKeys, oddKeys],
];

const ON_VERSIONED_BUCKET: [string, Probe][] = [[PROBE.versioning, versioning]];

const ON_EACH_KIND: [string, Probe][] = [
  [PROBE.conditionalCreate, conditionalCreate],
  [PROBE.conditionalReplace, conditionalReplace],
  [PROBE.exclusiveCreate, exclusiveCreate],
  [PROBE.ifMatchRace, ifMatchRace],
];

export interface ConformanceOptions {
  client: S3Client;
  /** For the report only. */
  endpoint: string;
  bucket: string;
  /** Create the bucket and `<bucket>-versioned` when missing; delete what was created afterwards. */
  createBuckets: boolean;
  /** Called as each probe finishes, `done` of `total`. */
  onProbeDone?: (result: ProbeResult, done: number, total: number) => void;
}

/** A bucket to probe, or the verdict for probes that needed one. */
type BucketSlot = { name: string } | { missing: Verdict };

/** Probes the endpoint, then deletes every object it wrote. Rejects when the bucket cannot be used at all. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const { client } = options;
  const storage = new S3Storage(client);
  const created: { name: string; kind: BucketKind }[] = [];
  const slots = await prepareBuckets(options, created);
  const runPrefix = `mps3-conformance/${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`;
  const run = async (name: string, probe: Probe, slot: BucketSlot): Promise<ProbeResult> => {
    if ("missing" in slot) return { name, ...slot.missing, observedStatuses: [] };
    const statuses = new StatusLog();
    const ctx = { storage, bucket: slot.name, prefix: `${runPrefix}${name.replace(/[^a-z0-9-]+/g, "-")}/`, statuses };
    const verdict = await probe(ctx).catch((error: unknown) => fail(`error: ${messageOf(error)}`));
    return { name, ...verdict, observedStatuses: statuses.sorted() };
  };
  const primary = "name" in slots.unversioned ? slots.unversioned : slots.versioned;
  const planned: [string, Probe, BucketSlot][] = [
    ...ON_ANY_BUCKET.map(([name, probe]): [string, Probe, BucketSlot] => [name, probe, primary]),
    ...ON_VERSIONED_BUCKET.map(([name, probe]): [string, Probe, BucketSlot] => [name, probe, slots.versioned]),
    ...(["unversioned", "versioned"] as const).flatMap((kind) =>
      ON_EACH_KIND.map(([name, probe]): [string, Probe, BucketSlot] => [probeName(name, kind), probe, slots[kind]]),
    ),
  ];
  const probes: ProbeResult[] = [];
  for (const [name, probe, slot] of planned) {
    const result = await run(name, probe, slot);
    probes.push(result);
    options.onProbeDone?.(result, probes.length, planned.length);
  }
  const cleanupProblems = await cleanUp(client, slots, runPrefix, created);
  return {
    endpoint: options.endpoint,
    bucket: options.bucket,
    versionedBucket: "name" in slots.versioned ? slots.versioned.name : undefined,
    probes,
    modes: decideModes(probes),
    cleanupProblems,
  };
}

async function prepareBuckets(
  { client, bucket, createBuckets }: ConformanceOptions,
  created: { name: string; kind: BucketKind }[],
): Promise<Record<BucketKind, BucketSlot>> {
  if (createBuckets && (await createBucket(client, bucket, "unversioned"))) {
    created.push({ name: bucket, kind: "unversioned" });
  }
  if (await isVersioningEnabled(client, bucket)) {
    const missing = { result: "not tested", detail: `not tested: ${bucket} has versioning enabled` } as const;
    return { unversioned: { missing }, versioned: { name: bucket } };
  }
  const companion = `${bucket}-versioned`;
  if (createBuckets) {
    try {
      if (await createBucket(client, companion, "versioned")) created.push({ name: companion, kind: "versioned" });
      return { unversioned: { name: bucket }, versioned: { name: companion } };
    } catch (error) {
      return { unversioned: { name: bucket }, versioned: { missing: notSupported(`versioned bucket: ${messageOf(error)}`) } };
    }
  }
  const companionVersioned = await isVersioningEnabled(client, companion).catch(() => false);
  const missing = {
    result: "not tested",
    detail: `not tested: no versioned bucket (pass --create-bucket, or create ${companion} with versioning enabled)`,
  } as const;
  return { unversioned: { name: bucket }, versioned: companionVersioned ? { name: companion } : { missing } };
}

async function cleanUp(
  client: S3Client,
  slots: Record<BucketKind, BucketSlot>,
  runPrefix: string,
  created: { name: string; kind: BucketKind }[],
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = (what: string, work: Promise<void>) =>
    work.catch((error: unknown) => problems.push(`${what}: ${messageOf(error)}`));
  for (const kind of ["unversioned", "versioned"] as const) {
    const slot = slots[kind];
    if ("name" in slot) await attempt(`objects under ${slot.name}/${runPrefix}`, deleteUnderPrefix(client, slot.name, runPrefix, kind));
  }
  for (const { name, kind } of created) await attempt(`bucket ${name}`, deleteBucket(client, name, kind));
  return problems;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${errorCodeOf(error)}: ${error.message}` : String(error);
}
