import { describe, expect, it } from "vitest";
import { SeededRandom } from "./seeded-random.ts";
import { VersionIdMinter } from "./version-ids.ts";

describe("VersionIdMinter", () => {
  it("mints 32-character ids from a URL-safe alphabet", () => {
    const minter = new VersionIdMinter(new SeededRandom(1));
    for (let i = 0; i < 100; i++) expect(minter.mint()).toMatch(/^[A-Za-z0-9._]{32}$/);
  });

  it("draws again rather than repeat an id", () => {
    const draws = [...Array<number>(64).fill(0)];
    const minter = new VersionIdMinter({ int: () => draws.shift() ?? 1 });
    expect(minter.mint()).toBe("A".repeat(32));
    expect(minter.mint()).toBe("B".repeat(32));
  });
});
