import { describe, expect, it } from "vitest";
import type { PutResponse } from "../protocol/storage-vocabulary.ts";
import { simulation } from "./test-harness.ts";
import { aws, b2, cephRgw16, vendorProfiles, type VendorProfile } from "./vendor-profiles.ts";

const etagOfPut = (response: PutResponse) => (response.status === 200 ? response.etag : "");

const bucketKinds = (profile: VendorProfile) => (profile.versioningSupported ? [false, true] : [false]);

describe("conditional GET", () => {
  for (const profile of vendorProfiles) {
    it(`${profile.name}: answers 304 to the current ETag and 200 to any other`, async () => {
      const { put, get } = simulation({ profile });
      const etag = etagOfPut(await put("k", "v"));
      expect(await get("k", { ifNoneMatch: '"stale"' })).toMatchObject({ status: 200, body: "v" });
      expect(await get("k", { ifNoneMatch: etag })).toEqual({ status: 304, etag, date: expect.any(Number) });
      expect(await get("missing", { ifNoneMatch: etag })).toMatchObject({ status: 404 });
    });
  }

  it("answers 200 with the body on a store that ignores If-None-Match", async () => {
    const { put, get } = simulation({ profile: { ...aws, name: "ignores", conditionalGetHonoured: false } });
    const etag = etagOfPut(await put("k", "v"));
    expect(await get("k", { ifNoneMatch: etag })).toMatchObject({ status: 200, body: "v", etag });
  });
});

describe("conditional PUT where honoured", () => {
  for (const profile of vendorProfiles.filter((p) => p.conditionalPut === "honoured" && p.ifMatchPut === "honoured")) {
    for (const versioning of bucketKinds(profile)) {
      describe(`${profile.name}, ${versioning ? "versioned" : "unversioned"}`, () => {
        it("If-None-Match: * creates only", async () => {
          const { put, get, del } = simulation({ profile, versioning });
          expect(await put("k", "first", { ifNoneMatch: "*" })).toMatchObject({ status: 200 });
          expect(await put("k", "second", { ifNoneMatch: "*" })).toMatchObject({ status: 412 });
          expect(await get("k")).toMatchObject({ body: "first" });
          await del("k");
          expect(await put("k", "again", { ifNoneMatch: "*" })).toMatchObject({ status: 200 });
        });

        it("If-Match replaces only the current ETag", async () => {
          const { put, get } = simulation({ profile, versioning });
          expect(await put("k", "v", { ifMatch: '"absent"' })).toMatchObject({ status: 412 });
          const first = etagOfPut(await put("k", "one"));
          const second = etagOfPut(await put("k", "two", { ifMatch: first }));
          expect(second).not.toBe("");
          expect(await put("k", "three", { ifMatch: first })).toMatchObject({ status: 412 });
          expect(await get("k")).toMatchObject({ body: "two", etag: second });
        });
      });
    }
  }
});

describe("conditional PUT where not honoured", () => {
  it("b2 (assumed) ignores both preconditions", async () => {
    const { put, get } = simulation({ profile: b2, versioning: true });
    await put("k", "one");
    expect(await put("k", "two", { ifNoneMatch: "*" })).toMatchObject({ status: 200 });
    expect(await put("k", "three", { ifMatch: '"stale"' })).toMatchObject({ status: 200 });
    expect(await get("k")).toMatchObject({ body: "three" });
  });

  it("ceph-rgw-16 ignores If-None-Match: * and fails every If-Match on versioned buckets", async () => {
    const { put, get } = simulation({ profile: cephRgw16, versioning: true });
    const etag = etagOfPut(await put("k", "one"));
    expect(await put("k", "two", { ifNoneMatch: "*" })).toMatchObject({ status: 200 });
    const current = etagOfPut(await put("k", "three"));
    expect(current).not.toBe(etag);
    expect(await put("k", "four", { ifMatch: current })).toMatchObject({ status: 412 });
    expect(await get("k")).toMatchObject({ body: "three" });
  });

  it("ceph-rgw-16 honours both on unversioned buckets", async () => {
    const { put } = simulation({ profile: cephRgw16 });
    const etag = etagOfPut(await put("k", "one"));
    expect(await put("k", "two", { ifNoneMatch: "*" })).toMatchObject({ status: 412 });
    expect(await put("k", "two", { ifMatch: etag })).toMatchObject({ status: 200 });
  });
});
