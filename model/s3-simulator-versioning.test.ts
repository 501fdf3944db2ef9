import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PutResponse } from "../protocol/storage-vocabulary.ts";
import { BUCKET, simulation } from "./test-harness.ts";

const versionIdOf = (response: PutResponse) => (response.status === 200 ? response.versionId : undefined);

describe("versioned buckets", () => {
  it("keep every version readable by its id, the latest by default", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string(), { minLength: 1, maxLength: 12 }), async (bodies) => {
        const { put, get } = simulation({ versioning: true });
        const ids: string[] = [];
        for (const body of bodies) ids.push(versionIdOf(await put("k", body))!);
        expect(new Set(ids).size).toBe(bodies.length);
        for (const [i, versionId] of ids.entries()) {
          expect(await get("k", { versionId })).toMatchObject({ status: 200, body: bodies[i], versionId });
        }
        expect(await get("k")).toMatchObject({ body: bodies.at(-1), versionId: ids.at(-1) });
      }),
      { numRuns: 30 },
    );
  });

  it("answer 404 for a version id that does not exist", async () => {
    const { put, get } = simulation({ versioning: true });
    await put("k", "v");
    expect(await get("k", { versionId: "no-such-version" })).toMatchObject({ status: 404 });
    expect(await get("k", { versionId: "null" })).toMatchObject({ status: 404 });
  });

  it("hide a key behind a delete marker, keeping its versions, until the marker is deleted", async () => {
    const { put, get, del, sim } = simulation({ versioning: true });
    const first = versionIdOf(await put("k", "v1"))!;
    const deleted = await del("k");
    expect(deleted).toMatchObject({ status: 204, versionId: expect.any(String) });
    expect(deleted.versionId).not.toBe(first);
    expect(await get("k")).toMatchObject({ status: 404 });
    expect(await get("k", { versionId: deleted.versionId! })).toMatchObject({ status: 404 });
    expect(await get("k", { versionId: first })).toMatchObject({ status: 200, body: "v1" });
    expect(sim.rawList(BUCKET)).toEqual([]);
    expect(await del("k", deleted.versionId)).toMatchObject({ status: 204, versionId: deleted.versionId });
    expect(await get("k")).toMatchObject({ status: 200, body: "v1" });
  });

  it("remove exactly the version a DELETE names", async () => {
    const { put, get, del } = simulation({ versioning: true });
    const first = versionIdOf(await put("k", "v1"))!;
    const second = versionIdOf(await put("k", "v2"))!;
    await del("k", second);
    expect(await get("k", { versionId: second })).toMatchObject({ status: 404 });
    expect(await get("k")).toMatchObject({ body: "v1", versionId: first });
    await del("k", first);
    expect(await get("k")).toMatchObject({ status: 404 });
  });

  it("add a delete marker even for a missing key", async () => {
    const { del, put } = simulation({ versioning: true });
    expect(await del("never")).toMatchObject({ status: 204, versionId: expect.any(String) });
    expect(await put("never", "v", { ifNoneMatch: "*" })).toMatchObject({ status: 200 });
  });
});

describe("unversioned buckets", () => {
  it("answer no version ids, and read the current object as version \"null\"", async () => {
    const { put, get, del } = simulation();
    await put("k", "overwritten");
    expect(await put("k", "v")).not.toHaveProperty("versionId");
    expect(await get("k", { versionId: "null" })).toMatchObject({ status: 200, body: "v" });
    expect(await del("k")).not.toHaveProperty("versionId");
  });

  it("reject any other version id with InvalidArgument", async () => {
    const { put, get, del } = simulation();
    await put("k", "v");
    const invalid = { code: "InvalidArgument", status: 400, retryable: false, ambiguous: false };
    await expect(get("k", { versionId: "abc" })).rejects.toMatchObject(invalid);
    await expect(del("k", "abc")).rejects.toMatchObject(invalid);
    expect(await get("k")).toMatchObject({ body: "v" });
  });

  it("delete the object named by version \"null\"", async () => {
    const { put, get, del } = simulation();
    await put("k", "v");
    await del("k", "null");
    expect(await get("k")).toMatchObject({ status: 404 });
  });
});
