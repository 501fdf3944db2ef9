import { describe, expect, it } from "vitest";
import { DEFAULT_BOUNDS, retentionMs } from "./bounds.ts";
import { ProtocolError } from "./lifecycle.ts";
import { checkpointKey, entryKey } from "./log-keys.ts";
import { MaintenanceMachine, type MaintenanceOutcome, type MaintenanceRequest } from "./maintenance-machine.ts";
import { ManifestState } from "./manifest-state.ts";

const T0 = 1_700_000_000_000;
const EVERY_ENTRY = { minEntries: 1, amortizedBytesPerEntry: 1 << 30 };

/** A replica's state with `n` entries folded up to `upTo`. */
function foldedState(n: number, upTo: number): ManifestState {
  const state = new ManifestState();
  for (let i = 0; i < n; i++) state.apply({ ts: upTo - n + i, session: "writer01", seq: i, ops: [[`k${i}`, { value: i }]] });
  state.fold(upTo);
  return state;
}

function harness(state: ManifestState) {
  const machine = new MaintenanceMachine({ manifest: "m", bounds: DEFAULT_BOUNDS, policy: EVERY_ENTRY, autoclean: true }, state);
  const outcomes: MaintenanceOutcome[] = [];
  const drain = () => {
    const requests: MaintenanceRequest[] = [];
    for (let r = machine.pollRequest(); r; r = machine.pollRequest()) requests.push(r);
    for (let o = machine.pollOutcome(); o; o = machine.pollOutcome()) outcomes.push(o);
    return requests;
  };
  return { machine, outcomes, drain };
}

describe("maintenance machine", () => {
  it("writes a checkpoint only for a client that committed, and one round at a time", () => {
    const h = harness(foldedState(3, T0));
    h.machine.handle({ type: "synced" }, T0);
    expect(h.drain()).toEqual([]);
    h.machine.handle({ type: "committed" }, T0);
    h.machine.handle({ type: "synced" }, T0);
    const [put] = h.drain();
    expect(put).toMatchObject({ kind: "putCheckpoint", key: checkpointKey("m", T0) });
    h.machine.handle({ type: "synced" }, T0);
    expect(h.drain()).toEqual([]);
    h.machine.handle({ type: "checkpointAnswered", requestId: put!.requestId }, T0);
    h.drain();
    expect(h.outcomes).toContainEqual({ kind: "path", mark: "checkpoint written" });
    expect(h.machine.busy).toBe(false);
  });

  it("after a second checkpoint, deletes only what is older than the previous one and past the retention horizon by the listing's Date", () => {
    const state = foldedState(3, T0);
    const h = harness(state);
    const round = (storeMs: number) => {
      h.machine.handle({ type: "committed" }, storeMs);
      h.machine.handle({ type: "synced" }, storeMs);
      const [put] = h.drain();
      h.machine.handle({ type: "checkpointAnswered", requestId: put!.requestId }, storeMs);
      return h.drain();
    };
    expect(round(T0)).toEqual([]);
    state.apply({ ts: T0 + 10, session: "writer01", seq: 9, ops: [["x", null]] });
    state.fold(T0 + 20);
    const [list] = round(T0 + 20);
    expect(list).toMatchObject({ kind: "listForClean" });
    const old = entryKey("m", T0 - 5, "writer01", 0);
    const recent = entryKey("m", T0 - 1, "writer01", 1);
    const listed = [old, recent].map((key) => ({ key, etag: "e", size: 1, lastModified: 0 }));
    h.machine.handle({ type: "cleanListAnswered", requestId: list!.requestId, contents: listed, date: T0 - 3 + retentionMs(DEFAULT_BOUNDS) }, T0);
    const deletes = h.drain();
    expect(deletes).toEqual([{ requestId: expect.any(Number), kind: "delete", key: old }]);
    h.machine.handle({ type: "deleteAnswered", requestId: deletes[0]!.requestId }, T0);
    expect(h.machine.busy).toBe(false);
  });

  it("refuses an answer to a request it did not make, and drops late answers of a failed round", () => {
    const h = harness(foldedState(3, T0));
    expect(() => h.machine.handle({ type: "checkpointAnswered", requestId: 99 }, T0)).toThrow(ProtocolError);
    h.machine.handle({ type: "committed" }, T0);
    h.machine.handle({ type: "synced" }, T0);
    const [put] = h.drain();
    h.machine.handle({ type: "requestFailed", requestId: put!.requestId, failure: { storageError: true, retryable: true, ambiguous: true, message: "lost" } }, T0);
    h.drain();
    expect(h.outcomes).toContainEqual({ kind: "warning", message: "checkpoint PUT failed: lost" });
    h.machine.handle({ type: "synced" }, T0);
    expect(h.drain()).toMatchObject([{ kind: "putCheckpoint" }]);
  });
});
