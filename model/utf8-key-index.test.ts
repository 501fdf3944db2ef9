import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareUtf8, Utf8KeyIndex } from "./utf8-key-index.ts";

const byUtf8 = (keys: Iterable<string>) => [...keys].sort(compareUtf8);

describe("compareUtf8", () => {
  it("orders by UTF-8 bytes where UTF-16 order differs", () => {
    const bmpMax = "\uffff";
    const emoji = "😀";
    expect(emoji < bmpMax).toBe(true);
    expect(compareUtf8(bmpMax, emoji)).toBeLessThan(0);
    expect(compareUtf8(emoji, bmpMax)).toBeGreaterThan(0);
    expect(compareUtf8("a", "a")).toBe(0);
  });

  it("agrees with Unicode code point order", () => {
    const codePointOrder = (a: string, b: string) => {
      const [x, y] = [a, b].map((s) => [...s].map((c) => c.codePointAt(0)!)) as [number[], number[]];
      const differing = x.findIndex((point, i) => point !== y[i]);
      return differing === -1 || differing >= y.length
        ? Math.sign(x.length - y.length)
        : Math.sign(x[differing]! - y[differing]!);
    };
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(codePointOrder(a, b));
      }),
    );
  });
});

describe("Utf8KeyIndex", () => {
  const operations = fc.array(fc.tuple(fc.boolean(), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 60 });

  it("holds the added and not removed keys once each, in UTF-8 order", () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const index = new Utf8KeyIndex();
        const model = new Set<string>();
        for (const [adding, key] of ops) {
          if (adding) {
            index.add(key);
            model.add(key);
          } else {
            index.remove(key);
            model.delete(key);
          }
        }
        expect(index.size).toBe(model.size);
        expect([...index.scan("")]).toEqual(byUtf8(model));
      }),
    );
  });

  it("scans exactly the keys with the prefix after the bound", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit: "binary", maxLength: 4 })),
        fc.string({ unit: "binary", maxLength: 2 }),
        fc.option(fc.string({ unit: "binary", maxLength: 4 }), { nil: undefined }),
        (keys, prefix, after) => {
          const index = new Utf8KeyIndex();
          keys.forEach((key) => index.add(key));
          const expected = byUtf8(keys).filter(
            (key) => key.startsWith(prefix) && (after === undefined || compareUtf8(key, after) > 0),
          );
          expect([...index.scan(prefix, after)]).toEqual(expected);
        },
      ),
    );
  });
});
