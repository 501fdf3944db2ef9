import type {
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  ListedObject,
  PutRequest,
  PutResponse,
} from "../protocol/storage-vocabulary.ts";
import { etagOf, utf8ByteLength } from "./etag.ts";
import { LaggingListing } from "./lagging-listing.ts";
import { listPage } from "./listing.ts";
import { invalidArgument } from "./s3-errors.ts";
import { Utf8KeyIndex } from "./utf8-key-index.ts";
import { truncateToPrecision, type VendorProfile } from "./vendor-profiles.ts";
import type { VersionIdMinter } from "./version-ids.ts";

export interface StoredVersion {
  /** `"null"` in an unversioned bucket, as S3 names it. */
  versionId: string;
  deleteMarker: boolean;
  body: string;
  etag: string;
  size: number;
  /** Exact virtual ms; responses truncate it to the profile's precision. */
  lastModified: number;
}

const UNVERSIONED_ID = "null";

/**
 * One bucket's objects and the semantics of each request on them, applied
 * atomically. Responses carry no `Date`; the simulator adds it.
 */
export class Bucket {
  readonly versioned: boolean;
  readonly #profile: VendorProfile;
  readonly #versionIds: VersionIdMinter;
  /** Every key's versions, oldest first; a key with none is absent from both. */
  readonly #versions = new Map<string, StoredVersion[]>();
  readonly #keys = new Utf8KeyIndex();
  /** The current version of each key as LIST shows it, behind by the profile's lag. */
  readonly #listing: LaggingListing<StoredVersion>;

  constructor(versioned: boolean, profile: VendorProfile, versionIds: VersionIdMinter) {
    this.versioned = versioned;
    this.#profile = profile;
    this.#versionIds = versionIds;
    this.#listing = new LaggingListing(profile.listingLagMs);
  }

  get({ key, versionId, ifNoneMatch }: GetRequest): GetResponse {
    const version = versionId === undefined ? this.current(key) : this.#version(key, versionId);
    if (version === undefined || version.deleteMarker) return { status: 404 };
    if (this.#profile.conditionalGetHonoured && ifNoneMatch === version.etag) {
      return { status: 304, etag: version.etag };
    }
    return {
      status: 200,
      body: version.body,
      etag: version.etag,
      lastModified: truncateToPrecision(version.lastModified, this.#profile.getLastModifiedPrecisionMs),
      ...this.#versionIdOf(version),
    };
  }

  put(request: PutRequest, now: number): PutResponse {
    if (this.#preconditionFails(request)) return { status: 412 };
    const version = this.write(request.key, request.body, now, now);
    return { status: 200, etag: version.etag, ...this.#versionIdOf(version) };
  }

  delete(request: DeleteRequest, now: number): DeleteResponse {
    const response = this.#delete(request, now);
    this.#changed(request.key, now);
    return response;
  }

  list(request: ListRequest, now: number): Omit<ListResponse, "date"> {
    this.#listing.catchUp(now);
    const precisionMs = this.#profile.listLastModifiedPrecisionMs;
    const maxKeys = Math.min(request.maxKeys ?? this.#profile.listPageKeys, this.#profile.listPageKeys);
    const page = listPage(this.#listing.keys, { ...request, maxKeys }, (key) => {
      const version = this.#listing.get(key);
      return version && listedObject(key, version, precisionMs);
    });
    return {
      status: 200,
      contents: page.items,
      isTruncated: page.isTruncated,
      ...(page.nextContinuationToken !== undefined && { nextContinuationToken: page.nextContinuationToken }),
    };
  }

  /** Stores a new current version unconditionally, at `now`, with any LastModified. */
  write(key: string, body: string, lastModified: number, now: number): StoredVersion {
    const version = this.#append(key, { deleteMarker: false, body, lastModified });
    this.#changed(key, now);
    return version;
  }

  /** The latest version unless it is a delete marker. */
  current(key: string): StoredVersion | undefined {
    const latest = this.#versions.get(key)?.at(-1);
    return latest?.deleteMarker ? undefined : latest;
  }

  /** Every listable key with the prefix, with exact LastModified. */
  listAll(prefix: string): ListedObject[] {
    return [...this.#keys.scan(prefix)].flatMap((key) => {
      const version = this.current(key);
      return version ? [listedObject(key, version, 1)] : [];
    });
  }

  #delete({ key, versionId }: DeleteRequest, now: number): DeleteResponse {
    if (versionId !== undefined) {
      this.#removeVersion(key, versionId);
      return { status: 204, ...(this.versioned && { versionId }) };
    }
    if (!this.versioned) {
      this.#removeKey(key);
      return { status: 204 };
    }
    const marker = this.#append(key, { deleteMarker: true, body: "", lastModified: now });
    return { status: 204, versionId: marker.versionId };
  }

  /** Tells the listing what `key` lists as since `at`. */
  #changed(key: string, at: number): void {
    this.#listing.record(key, this.current(key), at);
  }

  #preconditionFails({ key, ifNoneMatch, ifMatch }: PutRequest): boolean {
    const current = this.current(key);
    const { conditionalPut, ifMatchPut } = this.#profile;
    if (ifNoneMatch === "*" && current !== undefined) {
      if (conditionalPut === "honoured" || (conditionalPut === "ignored-when-versioned" && !this.versioned)) {
        return true;
      }
    }
    if (ifMatch === undefined || ifMatchPut === "ignored") return false;
    if (ifMatchPut === "fails-when-versioned" && this.versioned) return true;
    return current?.etag !== ifMatch;
  }

  /** The version named by `versionId`; only `"null"` names one in an unversioned bucket. */
  #version(key: string, versionId: string): StoredVersion | undefined {
    if (!this.versioned && versionId !== UNVERSIONED_ID) {
      throw invalidArgument(`Invalid version id specified: ${versionId}`);
    }
    return this.#versions.get(key)?.find((version) => version.versionId === versionId);
  }

  #versionIdOf(version: StoredVersion): { versionId?: string } {
    return this.versioned ? { versionId: version.versionId } : {};
  }

  #append(key: string, content: Pick<StoredVersion, "deleteMarker" | "body" | "lastModified">): StoredVersion {
    const version: StoredVersion = {
      ...content,
      versionId: this.versioned ? this.#versionIds.mint() : UNVERSIONED_ID,
      etag: etagOf(content.body),
      size: utf8ByteLength(content.body),
    };
    const history = this.versioned ? (this.#versions.get(key) ?? []) : [];
    history.push(version);
    this.#versions.set(key, history);
    this.#keys.add(key);
    return version;
  }

  #removeVersion(key: string, versionId: string): void {
    const removed = this.#version(key, versionId);
    if (removed === undefined) return;
    const remaining = (this.#versions.get(key) ?? []).filter((version) => version !== removed);
    if (remaining.length === 0) this.#removeKey(key);
    else this.#versions.set(key, remaining);
  }

  #removeKey(key: string): void {
    this.#versions.delete(key);
    this.#keys.remove(key);
  }
}

function listedObject(key: string, version: StoredVersion, precisionMs: number): ListedObject {
  const lastModified = truncateToPrecision(version.lastModified, precisionMs);
  return { key, etag: version.etag, lastModified, size: version.size };
}
