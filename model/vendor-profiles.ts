/**
 * How S3-compatible stores differ in the behaviours the protocol relies on.
 *
 * Facts marked ASSUMPTION are unverified here; docs/vendors.md collects the
 * sources and is the reference when the two disagree.
 */

/** How a store treats `If-None-Match: *` on PUT. */
export type IfNoneMatchPutMode = "honoured" | "ignored" | "ignored-when-versioned";

/** How a store treats `If-Match: <etag>` on PUT. */
export type IfMatchPutMode = "honoured" | "ignored" | "fails-when-versioned";

export interface VendorProfile {
  name: string;
  versioningSupported: boolean;
  /** GET with If-None-Match answers 304 when the ETag matches (else always 200). */
  conditionalGetHonoured: boolean;
  conditionalPut: IfNoneMatchPutMode;
  ifMatchPut: IfMatchPutMode;
  /** Granularity of the `Date` response header. */
  datePrecisionMs: number;
  /** Granularity of LastModified in GET responses. */
  getLastModifiedPrecisionMs: number;
  /** Granularity of LastModified in LIST responses. */
  listLastModifiedPrecisionMs: number;
  /** How long a write or delete takes to show in LIST (0: list-after-write consistent). */
  listingLagMs: number;
  /** Most keys a LIST page carries, whatever MaxKeys asks (S3 may answer fewer than asked). */
  listPageKeys: number;
}

const HTTP_DATE_MS = 1_000;

export const aws: VendorProfile = {
  name: "aws",
  versioningSupported: true,
  conditionalGetHonoured: true,
  conditionalPut: "honoured",
  ifMatchPut: "honoured",
  datePrecisionMs: HTTP_DATE_MS,
  getLastModifiedPrecisionMs: HTTP_DATE_MS,
  // ASSUMPTION: LIST's ISO 8601 LastModified carries real milliseconds.
  listLastModifiedPrecisionMs: 1,
  listingLagMs: 0,
  listPageKeys: 1_000,
};

// ASSUMPTION: MinIO behaves as AWS on everything modelled here.
export const minio: VendorProfile = { ...aws, name: "minio" };

export const r2: VendorProfile = {
  ...aws,
  name: "r2",
  // ASSUMPTION: R2 offers no object versioning through its S3 API.
  versioningSupported: false,
  // ASSUMPTION: R2 honours If-None-Match: * and If-Match on PUT.
};

export const b2: VendorProfile = {
  ...aws,
  name: "b2",
  // ASSUMPTION: B2's S3 API ignores PUT preconditions (the hostile choice). Third-party
  // reports disagree: one says they are honoured, one that they answer NotImplemented.
  conditionalPut: "ignored",
  ifMatchPut: "ignored",
};

export const gcs: VendorProfile = {
  ...aws,
  name: "gcs",
  // The XML API's write precondition is x-goog-if-generation-match; If-Match and
  // If-None-Match apply to reads only (docs/vendors.md [G2]). ASSUMPTION: on PUT they are ignored.
  conditionalPut: "ignored",
  ifMatchPut: "ignored",
};

export const cephRgw16: VendorProfile = {
  ...aws,
  name: "ceph-rgw-16",
  conditionalPut: "ignored-when-versioned",
  ifMatchPut: "fails-when-versioned",
};

export const vendorProfiles: readonly VendorProfile[] = [aws, minio, r2, b2, gcs, cephRgw16];

/** `base` with listings that show each write and delete only `lagMs` after it. */
export function laggyListings(lagMs: number, base: VendorProfile = aws): VendorProfile {
  if (!(Number.isFinite(lagMs) && lagMs >= 0)) throw new RangeError(`lagMs must be finite and >= 0, got ${lagMs}`);
  return { ...base, name: `${base.name}-listing-lag-${lagMs}ms`, listingLagMs: lagMs };
}

/** `base` with LIST pages of at most `keys` keys. */
export function smallListPages(keys: number, base: VendorProfile = aws): VendorProfile {
  if (!(Number.isInteger(keys) && keys >= 1)) throw new RangeError(`keys must be an integer >= 1, got ${keys}`);
  return { ...base, name: `${base.name}-pages-of-${keys}`, listPageKeys: keys };
}

/** A timestamp as a store with the given granularity reports it. */
export function truncateToPrecision(ms: number, precisionMs: number): number {
  return Math.floor(ms / precisionMs) * precisionMs;
}
