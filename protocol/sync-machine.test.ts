import { describe, expect, it } from "vitest";
import { DEFAULT_BOUNDS, lagMs } from "./bounds.ts";
import { encodeCheckpoint, encodeEntry } from "./entry-codec.ts";
import { ProtocolError } from "./lifecycle.ts";
import { checkpointKey, entryKey } from "./log-keys.ts";
import { ManifestState } from "./manifest-state.ts";
import { PROTOCOL_RULES } from "./rules.ts";
import { MAX_PAGES, MAX_UNREADABLE_CHECKPOINTS, SyncMachine, type SyncOutcome, type SyncRequest } from "./sync-machine.ts";
import type { ListedObject } from "./storage-vocabulary.ts";

const T0 = 1_700_000_000_000;
const M = "m";

/** A bucket as plain objects, and a machine whose requests the test answers from it. */
function harness(state = new ManifestState()) {
  const objects = new Map<string, { body: string; lastModified: number }>();
  const machine = new SyncMachine({ manifest: M, bounds: DEFAULT_BOUNDS, useMarker: false, fullListIntervalMs: 30_000, rules: PROTOCOL_RULES }, state);
  const outcomes: SyncOutcome[] = [];
  const sent: SyncRequest[] = [];
  let time = T0;
  /** Rounds of body fetches the last `run` took: each waits for the slowest request of the one before. */
  let fetchRounds = 0;
  const now = () => ({ localMs: time, storeMs: time });
  const drain = () => {
    const requests: SyncRequest[] = [];
    for (let r = machine.pollRequest(); r; r = machine.pollRequest()) requests.push(r);
    for (let o = machine.pollOutcome(); o; o = machine.pollOutcome()) outcomes.push(o);
    sent.push(...requests);
    return requests;
  };
  const listing = (startAfter: string | undefined): ListedObject[] =>
    [...objects.keys()]
      .filter((key) => key.startsWith(`${M}@`) && (startAfter === undefined || key > startAfter))
      .sort()
      .map((key) => ({ key, etag: "e", size: 1, lastModified: objects.get(key)!.lastModified }));
  /** Answers every request from the bucket, at `answeredAt`, until the sync ends. */
  const run = (answeredAt = time) => {
    let requests = (machine.handle({ type: "syncRequested" }, now()), drain());
    time = answeredAt;
    fetchRounds = 0;
    while (requests.length > 0) {
      if (requests.some((r) => r.kind === "getBody")) fetchRounds++;
      const next: SyncRequest[] = [];
      for (const request of requests) {
        if (request.kind === "listPage") {
          machine.handle({ type: "pageAnswered", requestId: request.requestId, contents: listing(request.startAfter), isTruncated: false, nextContinuationToken: undefined, date: time }, now());
        } else if (request.kind === "getBody") {
          const object = objects.get(request.key);
          machine.handle({ type: "bodyAnswered", requestId: request.requestId, status: object ? 200 : 404, body: object?.body }, now());
        }
        next.push(...drain());
      }
      requests = next;
      const fetched = outcomes.find((o) => o.kind === "fetched");
      if (fetched && machine.busy) {
        machine.handle({ type: "applied" }, now());
        drain();
      }
    }
    return outcomes.find((o) => o.kind === "fetched");
  };
  const putEntry = (ts: number, session = "writer01", seq = 0, lastModified = ts) =>
    objects.set(entryKey(M, ts, session, seq), { body: encodeEntry({ ts, session, seq, ops: [[`k${ts}`, { value: ts }]] }), lastModified });
  const putCheckpoint = (ts: number, body?: string) =>
    objects.set(checkpointKey(M, ts), { body: body ?? encodeCheckpoint({ ts, state: [["cp", { value: ts }]] }), lastModified: ts + 20_000 });
  /** Unreadable checkpoints, a second apart from T0 - 70 s on. */
  const plantCheckpoints = (count: number) => {
    for (let i = 0; i < count; i++) putCheckpoint(T0 - 70_000 + i * 1_000, "{planted");
  };
  return { machine, objects, outcomes, sent, run, putEntry, putCheckpoint, drain, now, at: (ms: number) => (time = ms), fetchRounds: () => fetchRounds, plantCheckpoints };
}

/** A readable checkpoint and an entry, `planted` unreadable checkpoints above them, an entry above those: one sync starts from the readable one. */
function syncedPastPlanted(planted: number) {
  const h = harness();
  h.putCheckpoint(T0 - 90_000);
  h.putEntry(T0 - 80_000);
  h.plantCheckpoints(planted);
  h.putEntry(T0 - 50_000);
  expect(h.run()).toMatchObject({ log: { checkpoint: { ts: T0 - 90_000 }, entries: [{ ts: T0 - 80_000 }, { ts: T0 - 50_000 }] } });
  return h;
}

describe("sync machine", () => {
  it("refuses an answer to a request it did not make, and stays as it was", () => {
    const h = harness();
    h.machine.handle({ type: "syncRequested" }, h.now());
    const [list] = h.drain();
    expect(() => h.machine.handle({ type: "bodyAnswered", requestId: list!.requestId, status: 200, body: "" }, h.now())).toThrow(ProtocolError);
    h.machine.handle({ type: "pageAnswered", requestId: list!.requestId, contents: [], isTruncated: false, nextContinuationToken: undefined, date: T0 }, h.now());
    expect(h.drain()).toEqual([]);
    expect(h.outcomes).toContainEqual(expect.objectContaining({ kind: "fetched" }));
  });

  it("a listing answered late settles no further than where it started", () => {
    const h = harness();
    h.putEntry(T0 - 60_000);
    const fetched = h.run(T0 + 120_000);
    expect(fetched).toMatchObject({ log: { settledTs: T0 + lagMs(DEFAULT_BOUNDS) } });
  });

  it("a warm replica whose log lost objects above its watermark starts from the newest checkpoint", () => {
    const state = new ManifestState();
    state.loadCheckpoint({ ts: T0 - 100_000, state: [] });
    const h = harness(state);
    h.putCheckpoint(T0 - 60_000);
    h.putCheckpoint(T0 - 40_000);
    h.putEntry(T0 - 30_000);
    expect(h.run()).toMatchObject({ log: { checkpoint: { ts: T0 - 40_000 }, entries: [{ ts: T0 - 30_000 }] } });
  });

  it("a warm replica that reaches its watermark past one checkpoint needs no checkpoint", () => {
    const state = new ManifestState();
    state.loadCheckpoint({ ts: T0 - 100_000, state: [] });
    const h = harness(state);
    h.putEntry(T0 - 200_000);
    h.putEntry(T0 - 50_000);
    h.putCheckpoint(T0 - 40_000);
    h.putEntry(T0 - 30_000);
    expect(h.run()).toMatchObject({ log: { checkpoint: undefined, entries: [{ ts: T0 - 50_000 }, { ts: T0 - 30_000 }] } });
  });

  it("skips an unreadable checkpoint and starts from the one before it", () => {
    const h = harness();
    h.putCheckpoint(T0 - 60_000);
    h.putCheckpoint(T0 - 40_000, "{planted");
    h.putEntry(T0 - 50_000);
    expect(h.run()).toMatchObject({ log: { checkpoint: { ts: T0 - 60_000 }, entries: [{ ts: T0 - 50_000 }] } });
    expect(h.outcomes).toContainEqual({ kind: "warning", message: expect.stringMatching(/\.cp.*not JSON/) });
  });

  it("judges the same listing again after an unreadable checkpoint, fetching each body once", () => {
    const h = syncedPastPlanted(5);
    expect(h.sent.filter((r) => r.kind === "listPage")).toHaveLength(1);
    const fetched = h.sent.flatMap((r) => (r.kind === "getBody" ? [r.key] : []));
    expect(fetched).toHaveLength(8);
    expect(new Set(fetched).size).toBe(8);
  });

  it("once a checkpoint is unreadable, fetches the older candidates at once rather than one round each", () => {
    const h = syncedPastPlanted(6);
    // The newest alone (a checkpoint can be large), then up to 7 older ones together, then the entry above the readable one.
    expect(h.fetchRounds()).toBe(3);
  });

  it("gives a round up after MAX_UNREADABLE_CHECKPOINTS unreadable ones, and the next sync goes on past them", () => {
    const h = harness();
    h.putCheckpoint(T0 - 90_000);
    h.plantCheckpoints(MAX_UNREADABLE_CHECKPOINTS + 1);
    expect(h.run()).toBeUndefined();
    expect(h.outcomes).toContainEqual(expect.objectContaining({ kind: "failed", message: expect.stringMatching(/unreadable/) }));
    expect(h.fetchRounds()).toBe(2);
    h.outcomes.length = 0;
    expect(h.run()).toMatchObject({ log: { checkpoint: { ts: T0 - 90_000 } } });
    expect(h.fetchRounds()).toBe(2);
  });

  it("starts over from a checkpoint when an object vanishes mid-sync, and drops late answers of the failed fetch", () => {
    const h = harness();
    for (let i = 0; i < 3; i++) h.putEntry(T0 - 50_000 + i);
    h.machine.handle({ type: "syncRequested" }, h.now());
    const [list] = h.drain();
    h.machine.handle({ type: "pageAnswered", requestId: list!.requestId, contents: [...h.objects.keys()].sort().map((key) => ({ key, etag: "e", size: 1, lastModified: h.objects.get(key)!.lastModified })), isTruncated: false, nextContinuationToken: undefined, date: T0 }, h.now());
    const bodies = h.drain();
    expect(bodies).toHaveLength(3);
    h.machine.handle({ type: "bodyAnswered", requestId: bodies[0]!.requestId, status: 404, body: undefined }, h.now());
    h.drain();
    expect(h.outcomes).toContainEqual({ kind: "path", mark: "sync starts over from a checkpoint" });
    expect(h.machine.busy).toBe(false);
    h.machine.handle({ type: "bodyAnswered", requestId: bodies[1]!.requestId, status: 200, body: "x" }, h.now());
    expect(h.drain()).toEqual([]);
  });

  it("a full listing that failed does not count: the next poll lists even though the marker looks unchanged", () => {
    const state = new ManifestState();
    const machine = new SyncMachine({ manifest: M, bounds: DEFAULT_BOUNDS, useMarker: true, fullListIntervalMs: 30_000, rules: PROTOCOL_RULES }, state);
    const drain = () => {
      const requests: SyncRequest[] = [];
      for (let r = machine.pollRequest(); r; r = machine.pollRequest()) requests.push(r);
      while (machine.pollOutcome());
      return requests;
    };
    const at = (localMs: number) => ({ localMs, storeMs: localMs });
    const sync = (time: number, listingFails: boolean) => {
      machine.handle({ type: "syncRequested" }, at(time));
      const [marker] = drain();
      machine.handle({ type: "markerAnswered", requestId: marker!.requestId, status: 304, etag: undefined }, at(time));
      const [list] = drain();
      if (!list) return "upToDate";
      if (listingFails) {
        machine.handle({ type: "requestFailed", requestId: list.requestId, failure: { storageError: true, retryable: true, ambiguous: false, message: "timeout" } }, at(time));
      } else {
        machine.handle({ type: "pageAnswered", requestId: list.requestId, contents: [], isTruncated: false, nextContinuationToken: undefined, date: time }, at(time));
        drain();
        machine.handle({ type: "applied" }, at(time));
      }
      drain();
      return "listed";
    };
    expect(sync(T0, false)).toBe("listed");
    expect(sync(T0 + 10_000, false)).toBe("upToDate");
    expect(sync(T0 + 31_000, true)).toBe("listed");
    expect(sync(T0 + 50_000, false)).toBe("listed");
    expect(sync(T0 + 60_000, false)).toBe("upToDate");
  });

  it("gives a listing whose pages never end up after MAX_PAGES pages, and the next sync lists afresh", () => {
    const h = harness();
    h.machine.handle({ type: "syncRequested" }, h.now());
    let requests = h.drain();
    let pages = 0;
    while (requests.length === 1 && requests[0]!.kind === "listPage") {
      pages++;
      h.machine.handle({ type: "pageAnswered", requestId: requests[0]!.requestId, contents: [], isTruncated: true, nextContinuationToken: "again", date: T0 }, h.now());
      requests = h.drain();
    }
    expect([pages, requests, h.machine.busy]).toEqual([MAX_PAGES, [], false]);
    expect(h.outcomes).toContainEqual({ kind: "failed", message: `log of ${M} exceeds ${MAX_PAGES} pages`, failure: undefined });
    h.machine.handle({ type: "syncRequested" }, h.now());
    expect(h.drain()).toEqual([expect.objectContaining({ kind: "listPage", continuationToken: undefined })]);
  });
});
