import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCheckpoint, decodeEntry, encodeCheckpoint, encodeEntry, type Entry, keyProblem, type Pointer } from "./entry-codec.ts";

const json = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.parse(JSON.stringify(value)));
const key = fc.string({ minLength: 1, maxLength: 30 }).filter((k) => keyProblem(k) === undefined);
const pointer: fc.Arbitrary<Pointer> = fc.oneof(
  json.map((value) => ({ value })),
  fc.record({ object: fc.string({ minLength: 1 }) }, { requiredKeys: ["object"] }),
  fc.record({ object: fc.string({ minLength: 1 }), version: fc.string({ minLength: 1 }) }),
);
const entry: fc.Arbitrary<Entry> = fc.record({
  ts: fc.integer({ min: 0, max: 9e12 }),
  session: fc.stringMatching(/^[0-9a-z]{4,12}$/),
  seq: fc.nat({ max: 1000 }),
  ops: fc.uniqueArray(fc.tuple(key, fc.option(pointer, { nil: null })), { selector: ([k]) => k, maxLength: 8 }),
});

describe("entry codec", () => {
  it("round-trips every entry and checkpoint", () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(decodeEntry(encodeEntry(e))).toEqual({ ok: true, value: e });
        const state = e.ops.filter((op): op is [string, Pointer] => op[1] !== null);
        expect(decodeCheckpoint(encodeCheckpoint({ ts: e.ts, state }))).toEqual({ ok: true, value: { ts: e.ts, state } });
      }),
    );
  });

  it("rejects every mutilated entry with a reason", () => {
    const base = { mps3: 1, ts: 5, session: "abcd", seq: 0, ops: [["k", { value: 1 }]] };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, ts: -1 }, /ts/],
      [{ ...base, ts: "5" }, /ts/],
      [{ ...base, mps3: 2 }, /version/],
      [{ ...base, extra: 1 }, /unexpected field/],
      [{ ...base, constructor: 1 }, /unexpected field/],
      [{ ...base, ops: {} }, /not an array/],
      [{ ...base, ops: [["k"]] }, /pair/],
      [{ ...base, ops: [[1, null]] }, /string/],
      [{ ...base, ops: [["k", null], ["k", null]] }, /twice/],
      [{ ...base, ops: [["k", { value: 1, object: "x" }]] }, /unexpected field|neither/],
      [{ ...base, ops: [["k", { object: "" }]] }, /non-empty/],
      [{ ...base, session: "A B" }, /session/],
      [{ ...base, seq: 1.5 }, /seq/],
      [[], /not a JSON object/],
    ];
    for (const [body, reason] of cases) {
      const decoded = decodeEntry(JSON.stringify(body));
      expect(decoded.ok, JSON.stringify(body)).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(reason);
    }
    const proto = decodeEntry('{"mps3":1,"ts":5,"session":"abcd","seq":0,"ops":[["k",{"value":{"__proto__":{"x":1}}}]]}');
    expect(proto).toMatchObject({ ok: false, reason: expect.stringMatching(/__proto__/) });
    expect(decodeEntry("{")).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(decodeEntry(" ".repeat(9 * 1024 * 1024))).toMatchObject({ ok: false, reason: expect.stringMatching(/exceeds/) });
    expect(decodeEntry("[".repeat(100) + "]".repeat(100))).toMatchObject({ ok: false });
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), json.map((v) => JSON.stringify(v))), (body) => {
        expect(typeof decodeEntry(body).ok).toBe("boolean");
        expect(typeof decodeCheckpoint(body).ok).toBe("boolean");
      }),
    );
  });
});
