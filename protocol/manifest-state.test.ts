import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Entry } from "./entry-codec.ts";
import { ManifestState } from "./manifest-state.ts";
import { compareOrder } from "./order.ts";

const entries = fc.uniqueArray(
  fc.record({
    ts: fc.integer({ min: 0, max: 50 }),
    session: fc.constantFrom("aaaa", "bbbb", "cccc"),
    seq: fc.nat({ max: 3 }),
    ops: fc.uniqueArray(fc.tuple(fc.constantFrom("x", "y", "z"), fc.option(fc.nat().map((value) => ({ value })), { nil: null })), {
      selector: ([key]) => key,
      minLength: 1,
    }),
  }),
  { selector: (e) => `${e.ts}_${e.session}_${e.seq}`, maxLength: 20 },
);

function replay(all: Entry[]): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const entry of [...all].sort(compareOrder)) {
    for (const [key, pointer] of entry.ops) pointer === null ? state.delete(key) : state.set(key, pointer);
  }
  return state;
}

const view = (state: ManifestState) => new Map(state.entries());

describe("manifest state", () => {
  it("equals an ordered replay whatever order entries arrive in, folded or not", () => {
    fc.assert(
      fc.property(entries, fc.nat({ max: 60 }), fc.context(), (all, foldAt, ctx) => {
        const state = new ManifestState();
        const shuffled = [...all].reverse();
        const early = shuffled.filter((e) => e.ts <= foldAt);
        for (const entry of early) state.apply(entry);
        state.fold(foldAt);
        for (const entry of shuffled.filter((e) => e.ts > foldAt)) state.apply(entry);
        ctx.log(`fold at ${foldAt}`);
        expect(view(state)).toEqual(replay(all));
      }),
    );
  });

  it("a checkpoint of the folded state plus later entries gives the same view", () => {
    fc.assert(
      fc.property(entries, fc.nat({ max: 60 }), (all, foldAt) => {
        const warm = new ManifestState();
        for (const entry of all) warm.apply(entry);
        warm.fold(foldAt);
        const cold = new ManifestState();
        cold.loadCheckpoint(warm.checkpoint());
        for (const entry of all) cold.apply(entry);
        expect(view(cold)).toEqual(view(warm));
        expect(cold.watermark).toBe(foldAt);
      }),
    );
  });

  it("ignores entries at or below the watermark, and duplicates", () => {
    const state = new ManifestState();
    state.fold(10);
    expect(state.apply({ ts: 10, session: "aaaa", seq: 0, ops: [["x", { value: 1 }]] })).toEqual([]);
    const entry = { ts: 11, session: "aaaa", seq: 0, ops: [["x", { value: 2 }]] as Entry["ops"] };
    expect(state.apply(entry)).toEqual(["x"]);
    expect(state.apply(entry)).toEqual([]);
    expect(state.maxTs).toBe(11);
  });

  it("derives a key's pointer from the entries ordered before a bound, and names the keys after it", () => {
    const state = new ManifestState();
    const bound = { ts: 10, session: "aaaa", seq: 0 };
    state.apply({ ts: 5, session: "bbbb", seq: 0, ops: [["x", { value: 1 }], ["y", { value: 1 }]] });
    state.fold(5);
    state.apply({ ts: 9, session: "bbbb", seq: 1, ops: [["x", { value: 2 }]] });
    state.apply({ ts: 10, session: "bbbb", seq: 0, ops: [["x", { value: 3 }], ["z", null]] });
    state.apply({ ts: 12, session: "cccc", seq: 0, ops: [["y", null]] });
    expect(state.pointer("x")).toEqual({ value: 3 });
    expect(state.pointerBefore("x", bound)).toEqual({ value: 2 });
    expect(state.pointerBefore("y", bound)).toEqual({ value: 1 });
    expect(state.pointerBefore("z", bound)).toBeUndefined();
    expect(state.keysAfter(bound)).toEqual(new Set(["x", "z", "y"]));
    expect(state.keysAfter({ ts: 11, session: "aaaa", seq: 0 })).toEqual(new Set(["y"]));
  });
});
