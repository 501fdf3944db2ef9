import { describe, expect, it } from "vitest";
import { sameList, utf8Order } from "./probes-consistency.ts";

describe("utf8Order", () => {
  it("sorts by UTF-8 bytes, where JavaScript's default sort uses UTF-16 units", () => {
    const keys = ["\u{1F600}", "\u{FF5E}", "é", "a", "B"];
    expect(utf8Order(keys)).toEqual(["B", "a", "é", "\u{FF5E}", "\u{1F600}"]);
    expect([...keys].sort()).toEqual(["B", "a", "é", "\u{1F600}", "\u{FF5E}"]);
  });
});

describe("sameList", () => {
  it("compares element by element", () => {
    expect(sameList(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameList(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameList(["a"], ["a", "a"])).toBe(false);
  });
});
