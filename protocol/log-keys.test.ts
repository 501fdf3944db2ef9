import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkpointKey, decodeDescTs, encodeDescTs, entryKey, MAX_SEQ, MAX_TS, parseLogKey, startAfterForNewest } from "./log-keys.ts";

const ts = fc.integer({ min: 0, max: MAX_TS });
const session = fc.stringMatching(/^[0-9a-z]{4,32}$/);
const seq = fc.integer({ min: 0, max: MAX_SEQ });
const manifest = fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" });
const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("log keys", () => {
  it("round-trip entry and checkpoint keys", () => {
    fc.assert(
      fc.property(manifest, ts, session, seq, (m, t, s, n) => {
        expect(parseLogKey(m, entryKey(m, t, s, n))).toEqual({ kind: "entry", ts: t, session: s, seq: n });
        expect(parseLogKey(m, checkpointKey(m, t))).toEqual({ kind: "checkpoint", ts: t });
        expect(decodeDescTs(encodeDescTs(t))).toBe(t);
      }),
    );
  });

  it("list newer timestamps first, in S3's UTF-8 byte order", () => {
    fc.assert(
      fc.property(manifest, ts, ts, session, session, (m, t1, t2, s1, s2) => {
        fc.pre(t1 < t2);
        expect(byUtf8(entryKey(m, t2, s2, 0), entryKey(m, t1, s1, 0))).toBeLessThan(0);
        expect(byUtf8(checkpointKey(m, t2), entryKey(m, t1, s1, 0))).toBeLessThan(0);
      }),
    );
  });

  it("list a checkpoint before the entries of its own timestamp", () => {
    fc.assert(
      fc.property(manifest, ts, session, seq, (m, t, s, n) => {
        expect(byUtf8(checkpointKey(m, t), entryKey(m, t, s, n))).toBeLessThan(0);
      }),
    );
  });

  it("start a listing just after everything newer than the given time", () => {
    fc.assert(
      fc.property(manifest, ts, ts, session, (m, limit, t, s) => {
        const after = startAfterForNewest(m, limit);
        expect(byUtf8(entryKey(m, t, s, 0), after) > 0).toBe(t <= limit);
        expect(byUtf8(checkpointKey(m, t), after) > 0).toBe(t <= limit);
      }),
    );
  });

  it("reject keys that are not log keys", () => {
    expect(parseLogKey("m", "m@garbage")).toBeUndefined();
    expect(parseLogKey("m", "other@0000000000001_abcd_000000")).toBeUndefined();
    expect(parseLogKey("m", "m@0000000000001_AB_000000")).toBeUndefined();
    expect(() => entryKey("m", MAX_TS + 1, "abcd", 0)).toThrow(RangeError);
    expect(() => entryKey("m", 1, "a_b", 0)).toThrow(RangeError);
  });
});
