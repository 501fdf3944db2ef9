import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { S3_MAX_KEYS, type ListRequest, type ListResponse } from "../protocol/storage-vocabulary.ts";
import { compareUtf8 } from "./utf8-key-index.ts";
import { smallListPages } from "./vendor-profiles.ts";
import { BUCKET, simulation } from "./test-harness.ts";

type Simulation = ReturnType<typeof simulation>;

const list = ({ sim, settle }: Simulation, request: Omit<ListRequest, "bucket">) =>
  settle(sim.listObjects({ bucket: BUCKET, ...request }));

/** Follows continuation tokens to the end, returning every page. */
async function listAllPages(simulated: Simulation, request: Omit<ListRequest, "bucket">): Promise<ListResponse[]> {
  const pages = [await list(simulated, request)];
  for (let last = pages[0]!; last.isTruncated; ) {
    expect(last.nextContinuationToken).toEqual(expect.any(String));
    last = await list(simulated, { ...request, continuationToken: last.nextContinuationToken! });
    pages.push(last);
  }
  return pages;
}

const keysOf = (pages: ListResponse[]) => pages.flatMap((page) => page.contents.map((entry) => entry.key));

describe("ListObjectsV2", () => {
  it("pages at the profile's page size when it is below MaxKeys, and at MaxKeys when that is smaller", async () => {
    const simulated = simulation({ profile: smallListPages(3) });
    for (const key of ["a", "b", "c", "d", "e", "f", "g"]) simulated.sim.rawPut(BUCKET, key, key);
    const pages = await listAllPages(simulated, { prefix: "" });
    expect(pages.map((page) => page.contents.length)).toEqual([3, 3, 1]);
    expect(keysOf(pages)).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    expect((await listAllPages(simulated, { prefix: "", maxKeys: 2 })).map((page) => page.contents.length)).toEqual([2, 2, 2, 1]);
    expect(() => smallListPages(0)).toThrow(RangeError);
  });

  const anyKeys = fc.uniqueArray(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), { maxLength: 50 });

  it("lists keys in UTF-8 byte order, not JS string order", async () => {
    await fc.assert(
      fc.asyncProperty(anyKeys, async (keys) => {
        const simulated = simulation();
        keys.forEach((key) => simulated.sim.rawPut(BUCKET, key, key));
        const listed = keysOf([await list(simulated, { prefix: "" })]);
        expect(listed).toEqual([...keys].sort(compareUtf8));
      }),
      { numRuns: 50 },
    );
    const simulated = simulation();
    for (const key of ["😀", "\uffff"]) simulated.sim.rawPut(BUCKET, key, "");
    expect(keysOf([await list(simulated, { prefix: "" })])).toEqual(["\uffff", "😀"]);
  });

  it("pages over more than 1,000 keys, every key once, in order, after startAfter", async () => {
    const keys = Array.from({ length: 2_345 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    const simulated = simulation();
    keys.forEach((key) => simulated.sim.rawPut(BUCKET, key, ""));
    simulated.sim.rawPut(BUCKET, "other", "");
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.integer({ min: 1, max: 1_500 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: keys.length }), { nil: undefined }),
        async (maxKeys, startIndex) => {
          const startAfter = startIndex === undefined ? undefined : (keys[startIndex] ?? "k/~");
          const pages = await listAllPages(simulated, {
            prefix: "k/",
            ...(maxKeys !== undefined && { maxKeys }),
            ...(startAfter !== undefined && { startAfter }),
          });
          const expected = startIndex === undefined ? keys : keys.slice(startIndex + 1);
          expect(keysOf(pages)).toEqual(expected);
          const pageSize = Math.min(maxKeys ?? S3_MAX_KEYS, S3_MAX_KEYS);
          pages.slice(0, -1).forEach((page) => expect(page.contents).toHaveLength(pageSize));
          expect(pages.at(-1)?.nextContinuationToken).toBeUndefined();
        },
      ),
      { numRuns: 15 },
    );
  });

  it("resumes after the last returned key even when keys change between pages", async () => {
    const simulated = simulation();
    for (const key of ["a", "c", "e"]) simulated.sim.rawPut(BUCKET, key, "");
    const first = await list(simulated, { prefix: "", maxKeys: 2 });
    expect(keysOf([first])).toEqual(["a", "c"]);
    simulated.sim.rawPut(BUCKET, "b", "");
    simulated.sim.rawPut(BUCKET, "d", "");
    const rest = await list(simulated, { prefix: "", continuationToken: first.nextContinuationToken! });
    expect(keysOf([rest])).toEqual(["d", "e"]);
  });

  it("lets a continuation token take precedence over startAfter", async () => {
    const simulated = simulation();
    for (const key of ["a", "b", "c", "d"]) simulated.sim.rawPut(BUCKET, key, "");
    const first = await list(simulated, { prefix: "", maxKeys: 1 });
    const next = await list(simulated, { prefix: "", startAfter: "c", continuationToken: first.nextContinuationToken! });
    expect(keysOf([next])).toEqual(["b", "c", "d"]);
  });

  it("describes each entry with ETag, exact LastModified and UTF-8 size, skipping deleted keys", async () => {
    const simulated = simulation({ versioning: true });
    const { put, del } = simulated;
    const written = await put("p/one", "héllo");
    await put("p/gone", "x");
    await del("p/gone");
    await put("q", "other prefix");
    const { contents } = await list(simulated, { prefix: "p/" });
    expect(contents).toEqual([
      {
        key: "p/one",
        etag: written.status === 200 && written.etag,
        lastModified: simulated.sim.rawGet(BUCKET, "p/one")?.lastModified,
        size: 6,
      },
    ]);
  });

  it("is not truncated on the last page even when deleted keys follow it", async () => {
    const simulated = simulation({ versioning: true });
    for (const key of ["a", "b", "c"]) await simulated.put(key, "");
    await simulated.del("c");
    const page = await list(simulated, { prefix: "", maxKeys: 2 });
    expect(page).toMatchObject({ isTruncated: false });
    expect(page).not.toHaveProperty("nextContinuationToken");
  });

  it("caps a page at 1,000 keys", async () => {
    const simulated = simulation();
    for (let i = 0; i < 1_001; i++) simulated.sim.rawPut(BUCKET, `k${i}`, "");
    const page = await list(simulated, { prefix: "", maxKeys: 5_000 });
    expect(page.contents).toHaveLength(1_000);
    expect(page.isTruncated).toBe(true);
  });

  it("answers maxKeys 0 with an empty page and rejects negative maxKeys and forged tokens", async () => {
    const simulated = simulation();
    simulated.sim.rawPut(BUCKET, "k", "");
    expect(await list(simulated, { prefix: "", maxKeys: 0 })).toMatchObject({ contents: [], isTruncated: false });
    await expect(list(simulated, { prefix: "", maxKeys: -1 })).rejects.toMatchObject({ code: "InvalidArgument" });
    await expect(list(simulated, { prefix: "", continuationToken: "forged" })).rejects.toMatchObject({
      code: "InvalidArgument",
      status: 400,
    });
  });

  it("sees writes and deletes at once", async () => {
    const simulated = simulation();
    await simulated.put("k", "v");
    expect(keysOf([await list(simulated, { prefix: "" })])).toEqual(["k"]);
    await simulated.del("k");
    expect(keysOf([await list(simulated, { prefix: "" })])).toEqual([]);
  });
});
