import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_BOUNDS, lagMs, retentionMs } from "./bounds.ts";
import { CommitMachine, ENTRY_LIFECYCLE, type CommitOutcome, type CommitRequest, type Now, type RequestFailure } from "./commit-machine.ts";
import { decodeEntry } from "./entry-codec.ts";
import { ProtocolError, transition, type Lifecycle } from "./lifecycle.ts";
import { PROTOCOL_RULES } from "./rules.ts";
import { entryValidity } from "./validity.ts";

const WRITE_TIMEOUT_MS = 60_000;
const T0 = 1_700_000_000_000;

const refused: RequestFailure = { storageError: true, retryable: true, ambiguous: false, message: "ECONNREFUSED" };
const lost: RequestFailure = { storageError: true, retryable: true, ambiguous: true, message: "no answer" };
const forbidden: RequestFailure = { storageError: true, retryable: false, ambiguous: false, message: "AccessDenied" };
const bug: RequestFailure = { storageError: false, retryable: false, ambiguous: false, message: "TypeError" };

/** A machine on a clock the test moves, with every output collected. */
function harness() {
  let time = T0;
  const machine = new CommitMachine({ manifest: "m", session: "sess0001", bounds: DEFAULT_BOUNDS, writeTimeoutMs: WRITE_TIMEOUT_MS, rules: PROTOCOL_RULES });
  const now = (): Now => ({ localMs: time, storeMs: time, jitter: 0.5 });
  const outcomes: CommitOutcome[] = [];
  const drain = () => {
    const requests: CommitRequest[] = [];
    for (let r = machine.pollRequest(now(), -1); r; r = machine.pollRequest(now(), -1)) requests.push(r);
    for (let o = machine.pollOutcome(); o; o = machine.pollOutcome()) outcomes.push(o);
    return requests;
  };
  return {
    machine,
    outcomes,
    now,
    drain,
    at: (ms: number) => (time = ms),
    get time() {
      return time;
    },
    submit: (writeId: number, key = `k${writeId}`) => {
      machine.handle({ type: "writeSubmitted", writeId, ops: [[key, { value: writeId }]], bytes: 20 }, now());
      return drain();
    },
    handle: (event: Parameters<CommitMachine["handle"]>[0]) => {
      machine.handle(event, now());
      return drain();
    },
    /** Fires the timer when it is due and returns what it asked for. */
    fire: () => {
      const due = machine.pollTimeout(now());
      if (due === undefined) return [];
      time = Math.max(time, due);
      machine.handle({ type: "timerFired" }, now());
      return drain();
    },
    results: () => outcomes.filter((o) => o.kind === "acked" || o.kind === "failed"),
  };
}

describe("commit machine: lifecycle tables", () => {
  it("refuses an event its table does not allow, naming state and event", () => {
    expect(() => transition(ENTRY_LIFECYCLE as Lifecycle, "settling", "putValid")).toThrow(ProtocolError);
    expect(() => transition(ENTRY_LIFECYCLE as Lifecycle, "settling", "putValid")).toThrow(/entry: event "putValid" is not allowed in state "settling"/);
  });

  it("leaves its state unchanged after an answer the state does not allow", () => {
    const h = harness();
    const [put] = h.submit(1);
    h.handle({ type: "putFailed", requestId: put!.requestId, failure: lost });
    expect(() => h.handle({ type: "putAnswered", requestId: put!.requestId, status: 200, date: h.time })).toThrow(ProtocolError);
    const [lookUp] = h.fire();
    expect(lookUp).toMatchObject({ kind: "lookUp" });
    h.handle({ type: "lookUpAnswered", requestId: lookUp!.requestId, found: { lastModified: T0 }, truncated: false, date: h.time });
    expect(h.results()).toEqual([expect.objectContaining({ kind: "acked", writeIds: [1] })]);
  });
});

describe("commit machine: outcomes", () => {
  it("acknowledges an entry whose PUT's Date proves it valid, then writes the marker", () => {
    const h = harness();
    const [put] = h.submit(1);
    expect(put).toMatchObject({ kind: "putEntry", key: expect.stringMatching(/^m@/) });
    const [marker] = h.handle({ type: "putAnswered", requestId: put!.requestId, status: 200, date: h.time });
    expect(marker).toMatchObject({ kind: "putMarker", body: (put as { key: string }).key });
    expect(h.results()).toEqual([expect.objectContaining({ kind: "acked", writeIds: [1] })]);
    expect(h.machine.idle).toBe(false);
    h.handle({ type: "markerAnswered", requestId: marker!.requestId });
    expect(h.machine.idle).toBe(true);
  });

  it("groups writes that arrive during a PUT into the next entry", () => {
    const h = harness();
    const [first] = h.submit(1);
    expect(h.submit(2)).toEqual([]);
    expect(h.submit(3)).toEqual([]);
    const [, second] = h.handle({ type: "putAnswered", requestId: first!.requestId, status: 200, date: h.time });
    expect(decodeEntry((second as { body: string }).body)).toMatchObject({ ok: true, value: { ops: [["k2", { value: 2 }], ["k3", { value: 3 }]] } });
  });

  it("resolves an ambiguous PUT by waiting out the bound and looking, never by sending it again", () => {
    const h = harness();
    const [put] = h.submit(1);
    expect(h.handle({ type: "putFailed", requestId: put!.requestId, failure: lost })).toEqual([]);
    const [lookUp] = h.fire();
    expect(h.time).toBe(T0 + lagMs(DEFAULT_BOUNDS));
    expect(lookUp).toEqual({ requestId: expect.any(Number), kind: "lookUp", key: (put as { key: string }).key });
    const [again] = h.handle({ type: "lookUpAnswered", requestId: lookUp!.requestId, found: undefined, truncated: false, date: h.time });
    expect(again).toBeUndefined();
    const [recommit] = h.fire();
    expect(recommit).toMatchObject({ kind: "putEntry" });
    expect((recommit as { key: string }).key).not.toBe((put as { key: string }).key);
  });

  it("a look-up whose listing is truncated before the entry's key proves nothing: it looks again", () => {
    const h = harness();
    const [put] = h.submit(1);
    h.handle({ type: "putFailed", requestId: put!.requestId, failure: lost });
    const [lookUp] = h.fire();
    expect(h.handle({ type: "lookUpAnswered", requestId: lookUp!.requestId, found: undefined, truncated: true, date: h.time })).toEqual([]);
    expect(h.results()).toEqual([]);
    const [again] = h.fire();
    expect(again).toEqual({ requestId: expect.any(Number), kind: "lookUp", key: (put as { key: string }).key });
    h.handle({ type: "lookUpAnswered", requestId: again!.requestId, found: { lastModified: T0 }, truncated: true, date: h.time });
    expect(h.results()).toEqual([expect.objectContaining({ kind: "acked" })]);
  });

  it("leaves the outcome unknown when the look-up comes after the retention horizon", () => {
    const h = harness();
    const [put] = h.submit(1);
    h.handle({ type: "putFailed", requestId: put!.requestId, failure: lost });
    const [lookUp] = h.fire();
    h.handle({ type: "lookUpAnswered", requestId: lookUp!.requestId, found: undefined, truncated: false, date: T0 + retentionMs(DEFAULT_BOUNDS) });
    expect(h.results()).toEqual([expect.objectContaining({ kind: "failed", outcome: "unknown" })]);
    expect(h.machine.idle).toBe(true);
  });

  it("fails writes refused until their deadline, and at once on errors retrying cannot cure", () => {
    const h = harness();
    for (;;) {
      const [put] = h.drain().length ? [] : h.fire();
      const request = put ?? h.submit(1)[0];
      h.handle({ type: "putFailed", requestId: request!.requestId, failure: refused });
      if (h.results().length > 0) break;
    }
    expect(h.results()).toEqual([expect.objectContaining({ kind: "failed", outcome: "not written", message: expect.stringMatching(/within 60000 ms.*ECONNREFUSED/) })]);
    expect(h.time - T0).toBeGreaterThanOrEqual(WRITE_TIMEOUT_MS);
    for (const failure of [forbidden, bug]) {
      const g = harness();
      const [put] = g.submit(1);
      g.handle({ type: "putFailed", requestId: put!.requestId, failure });
      expect(g.results()).toEqual([expect.objectContaining({ kind: "failed", outcome: "not written" })]);
    }
  });

  it("fails a write whose content is not stored by its deadline", () => {
    const h = harness();
    h.machine.handle({ type: "writeSubmitted", writeId: 1, ops: undefined, bytes: 10 }, h.now());
    expect(h.drain()).toEqual([]);
    h.fire();
    expect(h.results()).toEqual([expect.objectContaining({ kind: "failed", outcome: "not written" })]);
    expect(h.machine.idle).toBe(false);
    h.handle({ type: "contentStored", writeId: 1, ops: [["k", { object: "k@x" }]] });
    expect(h.machine.idle).toBe(true);
  });
});

/**
 * Model-based: the machine against a store that applies or loses each of its
 * requests at random and answers late or never, then heals. Whatever happens,
 * every write gets exactly one outcome; an acknowledged write is in exactly
 * one valid entry; a write that failed as "not written" is in none.
 */
describe("commit machine against a faulty store", () => {
  type Fate = "ok" | "lostAnswer" | "lostRequest" | "refused" | "slow";
  const fates = fc.constantFrom<Fate>("ok", "ok", "ok", "lostAnswer", "lostRequest", "refused", "slow");

  it("never acknowledges what does not count, and never commits a write twice", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fates, { minLength: 40, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 40, maxLength: 40 }), (writes, fateList, delays) => {
        let time = T0;
        let step = 0;
        const stored = new Map<string, { body: string; lastModified: number }>();
        const machine = new CommitMachine({ manifest: "m", session: "sess0001", bounds: DEFAULT_BOUNDS, writeTimeoutMs: WRITE_TIMEOUT_MS, rules: PROTOCOL_RULES });
        const now = (): Now => ({ localMs: time, storeMs: time, jitter: 0.3 });
        const pending: Array<{ at: number; deliver: () => void }> = [];
        const results = new Map<number, CommitOutcome[]>();
        const heal = () => step >= fateList.length;
        const send = (request: CommitRequest) => {
          const fate: Fate = heal() ? "ok" : fateList[step]!;
          const delay = heal() ? 10 : delays[step]!;
          step++;
          const answer = (fn: () => void, after = delay) => pending.push({ at: time + after, deliver: fn });
          if (fate === "refused") return answer(() => fail(request, refused), 0);
          const apply = () => {
            if (request.kind === "putEntry") stored.set(request.key, { body: request.body, lastModified: time });
          };
          if (fate === "lostRequest") return answer(() => fail(request, lost), 5_000);
          if (fate === "lostAnswer") {
            answer(apply, delay);
            return answer(() => fail(request, lost), Math.max(delay, 5_000));
          }
          answer(() => {
            apply();
            answer(() => succeed(request), 0);
          }, fate === "slow" ? delay * 3 : delay);
        };
        const succeed = (request: CommitRequest) => {
          const found = stored.get(request.kind === "lookUp" ? request.key : "");
          if (request.kind === "putEntry") machine.handle({ type: "putAnswered", requestId: request.requestId, status: 200, date: time }, now());
          else if (request.kind === "lookUp") machine.handle({ type: "lookUpAnswered", requestId: request.requestId, found, truncated: false, date: time }, now());
          else machine.handle({ type: "markerAnswered", requestId: request.requestId }, now());
        };
        const fail = (request: CommitRequest, failure: RequestFailure) => {
          const type = request.kind === "putEntry" ? "putFailed" : request.kind === "lookUp" ? "lookUpFailed" : "markerFailed";
          machine.handle({ type, requestId: request.requestId, failure } as Parameters<CommitMachine["handle"]>[0], now());
        };
        const drain = () => {
          for (let r = machine.pollRequest(now(), -1); r; r = machine.pollRequest(now(), -1)) send(r);
          for (let o = machine.pollOutcome(); o; o = machine.pollOutcome()) {
            if (o.kind === "acked" || o.kind === "failed") for (const id of o.writeIds) results.set(id, [...(results.get(id) ?? []), o]);
          }
        };
        for (let id = 1; id <= writes; id++) {
          machine.handle({ type: "writeSubmitted", writeId: id, ops: [[`k${id}`, { value: id }]], bytes: 20 }, now());
          drain();
        }
        for (let rounds = 0; rounds < 10_000 && !(machine.idle && pending.length === 0); rounds++) {
          pending.sort((a, b) => a.at - b.at);
          const due = machine.pollTimeout(now());
          const next = pending[0];
          if (next && (due === undefined || next.at <= due)) {
            time = Math.max(time, next.at);
            pending.shift()!.deliver();
          } else if (due !== undefined) {
            time = Math.max(time, due);
            machine.handle({ type: "timerFired" }, now());
          } else break;
          drain();
        }
        expect(machine.idle).toBe(true);
        const validEntries = [...stored.entries()].filter(([, object]) => {
          const decoded = decodeEntry(object.body);
          return decoded.ok && entryValidity(decoded.value.ts, object.lastModified, DEFAULT_BOUNDS).valid;
        });
        for (let id = 1; id <= writes; id++) {
          const outcome = results.get(id);
          expect(outcome).toHaveLength(1);
          const containing = validEntries.filter(([, object]) => object.body.includes(`"k${id}"`));
          if (outcome![0]!.kind === "acked") expect(containing).toHaveLength(1);
          else if (outcome![0]!.kind === "failed" && outcome![0]!.outcome === "not written") expect(containing).toHaveLength(0);
          else expect(containing.length).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
