import { describe, expect, it } from "vitest";
import { BUCKET, simulation } from "./test-harness.ts";
import { aws, cephRgw16, laggyListings, vendorProfiles } from "./vendor-profiles.ts";

const LAG_MS = 500;

function laggy({ versioning = false } = {}) {
  const simulated = simulation({ profile: laggyListings(LAG_MS), versioning });
  const listed = async () =>
    (await simulated.settle(simulated.sim.listObjects({ bucket: BUCKET, prefix: "" }))).contents.map((o) => [o.key, o.etag]);
  return { ...simulated, listed };
}

describe("listing lag (laggyListings)", () => {
  it("every existing profile lists at once", () => {
    for (const profile of vendorProfiles) expect(profile.listingLagMs).toBe(0);
  });

  it("names the profile after its base and lag, and refuses a negative lag", () => {
    expect(laggyListings(250, cephRgw16)).toEqual({ ...cephRgw16, name: "ceph-rgw-16-listing-lag-250ms", listingLagMs: 250 });
    expect(laggyListings(1).conditionalPut).toBe(aws.conditionalPut);
    expect(() => laggyListings(-1)).toThrow(RangeError);
  });

  it("hides a fresh object from LIST until the lag has passed; GET shows it at once", async () => {
    const { clock, put, get, listed } = laggy();
    const { etag } = (await put("k", "v")) as { etag: string };
    expect(await get("k")).toMatchObject({ status: 200, body: "v" });
    expect(await listed()).toEqual([]);
    await clock.runFor(LAG_MS - 1);
    expect(await listed()).toEqual([]);
    await clock.runFor(1);
    expect(await listed()).toEqual([["k", etag]]);
  });

  it("keeps listing a deleted object, and an overwritten one's old ETag, until the lag has passed", async () => {
    for (const versioning of [false, true]) {
      const { clock, put, get, del, listed } = laggy({ versioning });
      const first = (await put("gone", "1")) as { etag: string };
      const old = (await put("changed", "old")) as { etag: string };
      await clock.runFor(LAG_MS);
      await del("gone");
      const fresh = (await put("changed", "new")) as { etag: string };
      expect(await get("gone")).toMatchObject({ status: 404 });
      expect(await listed()).toEqual([["changed", old.etag], ["gone", first.etag]]);
      await clock.runFor(LAG_MS);
      expect(await listed()).toEqual([["changed", fresh.etag]]);
    }
  });

  it("leaves rawList exact", async () => {
    const { sim, put } = laggy();
    await put("k", "v");
    expect(sim.rawList(BUCKET).map((o) => o.key)).toEqual(["k"]);
  });
});
