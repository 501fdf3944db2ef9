import { describe, expect, it } from "vitest";
import { check } from "./check.ts";
import { historyFromEvents, type HistoryEvent, type Process } from "./history.ts";
import { withoutWithdrawnObservations } from "./withdrawn-observations.ts";

type Event = Omit<HistoryEvent, "index">;
/** The claimed models that need no final reads. */
const models = ["cc", "ccv", "ryw", "mr", "mw", "wfr", "atomic"] as const;
const verdict = (h: ReturnType<typeof historyFromEvents>) => check(h, { models }).valid;
const clientOf = (process: Process) => String(process).split(".")[0]!;
const history = (events: Event[]) => historyFromEvents(events.map((event, index) => ({ index, ...event })));
const invoke = (process: string, f: HistoryEvent["f"], key: string, value?: string): Event => ({ process, type: "invoke", f, key, ...(value ? { value } : {}) });
const done = (process: string, type: HistoryEvent["type"], f: HistoryEvent["f"], key: string, value?: string | null): Event => ({
  process,
  type,
  f,
  key,
  ...(value !== undefined ? { value } : {}),
});
const read = (process: string, key: string, value: string | null): Event[] => [invoke(process, "read", key), done(process, "ok", "read", key, value)];

/** c0.0 writes x=1 (acknowledged), then x=2, which fails; `between` happens while x=2 is pending, `after` once it failed. */
function failedWrite(between: Event[], after: Event[]): Event[] {
  return [
    invoke("c0.0", "write", "x", "1"),
    done("c0.0", "ok", "write", "x", "1"),
    invoke("c0.0", "write", "x", "2"),
    ...between,
    done("c0.0", "fail", "write", "x", "2"),
    ...after,
  ];
}

const judged = (events: Event[]) => {
  const recorded = history(events);
  const kept = historyFromEvents(withoutWithdrawnObservations(recorded, clientOf));
  return { left: recorded.operations.length - kept.operations.length, valid: verdict(kept) };
};

describe("observations of withdrawn values", () => {
  it("the writer's client seeing its pending write, which then fails, is left out; everything else about it is kept", () => {
    const recorded = failedWrite([...read("c0.1", "x", "2"), done("c0.0-sub", "ok", "notify", "x", "2")], read("c0.1", "x", "1"));
    // Checked whole, the withdrawn value is a read of a write that never happened.
    expect(verdict(history(recorded))).toBe(false);
    expect(judged(recorded)).toEqual({ left: 2, valid: true });
  });

  it("a read concurrent with the write, begun before it, may see the pending value", () => {
    const events: Event[] = [
      invoke("c0.0", "write", "x", "1"),
      done("c0.0", "ok", "write", "x", "1"),
      invoke("c0.1", "read", "x"),
      invoke("c0.0", "write", "x", "2"),
      done("c0.1", "ok", "read", "x", "2"),
      done("c0.0", "fail", "write", "x", "2"),
    ];
    expect(judged(events)).toEqual({ left: 1, valid: true });
  });

  it("the writer's client seeing the failed write after its failure was reported is still an anomaly", () => {
    expect(judged(failedWrite([], read("c0.1", "x", "2")))).toEqual({ left: 0, valid: false });
  });

  it("another client seeing a failed write, even while it is pending, is still an anomaly", () => {
    expect(judged(failedWrite(read("c1.0", "x", "2"), []))).toEqual({ left: 0, valid: false });
  });

  it("a pending delete that fails withdraws the absence its client saw meanwhile, and only then", () => {
    const events: Event[] = [
      invoke("c0.0", "write", "x", "1"),
      done("c0.0", "ok", "write", "x", "1"),
      ...read("c0.1", "x", "1"),
      invoke("c0.0", "delete", "x"),
      ...read("c0.1", "x", null),
      done("c0.0", "fail", "delete", "x"),
      ...read("c0.1", "x", "1"),
    ];
    expect(judged(events)).toEqual({ left: 1, valid: true });
    const nullAfterFailure = [...events, ...read("c0.1", "x", null)];
    expect(judged(nullAfterFailure)).toEqual({ left: 1, valid: false });
  });

  it("a write whose outcome stays unknown withdraws what its own client saw of it, ever; other clients may see it", () => {
    const events: Event[] = [
      invoke("c0.0", "write", "x", "1"),
      done("c0.0", "ok", "write", "x", "1"),
      invoke("c0.0", "write", "x", "2"),
      ...read("c0.1", "x", "2"),
      ...read("c0.1", "x", "1"),
      ...read("c1.0", "x", "2"),
    ];
    expect(verdict(history(events))).toBe(false);
    expect(judged(events)).toEqual({ left: 1, valid: true });
  });
});
