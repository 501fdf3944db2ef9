import type { BucketKind } from "../../impl/s3-bucket-admin.ts";

/** "not tested": the probe needs something this run lacks (e.g. a versioned bucket). */
export type ProbeOutcome = "pass" | "fail" | "not supported" | "not tested";

export interface ProbeResult {
  name: string;
  result: ProbeOutcome;
  detail: string;
  /** HTTP statuses the store answered during the probe, ascending. */
  observedStatuses: number[];
}

/** What a probe concludes; the runner adds the name and the observed statuses. */
export interface Verdict {
  result: ProbeOutcome;
  detail: string;
}

export const PROBE = {
  readAfterWrite: "read-after-write",
  listAfterWrite: "list-after-write",
  listOrder: "list-order",
  pagination: "pagination",
  etag304: "etag-304",
  dateHeader: "date-header",
  lastModifiedPrecision: "last-modified-precision",
  oddKeys: "odd-keys",
  versioning: "versioning",
  conditionalCreate: "put-if-none-match",
  conditionalReplace: "put-if-match",
  exclusiveCreate: "exclusive-create-x10",
  ifMatchRace: "if-match-race-x10",
} as const;

/** Probes run once per bucket kind carry the kind in their name. */
export function probeName(base: string, kind: BucketKind): string {
  return `${base} [${kind}]`;
}

export const pass = (detail: string): Verdict => ({ result: "pass", detail });
export const fail = (detail: string): Verdict => ({ result: "fail", detail });
export const notSupported = (detail: string): Verdict => ({ result: "not supported", detail });
