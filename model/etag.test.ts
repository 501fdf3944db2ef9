import { describe, expect, it } from "vitest";
import { etagOf, utf8ByteLength } from "./etag.ts";

describe("etagOf", () => {
  it("is the quoted MD5 hex of the UTF-8 body", () => {
    expect(etagOf("")).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(etagOf("hello")).toBe('"5d41402abc4b2a76b9719d911017c592"');
    expect(etagOf("é")).not.toBe(etagOf("e"));
  });
});

describe("utf8ByteLength", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(utf8ByteLength("aé€😀")).toBe(1 + 2 + 3 + 4);
  });
});
