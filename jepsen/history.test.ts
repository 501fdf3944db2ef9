import { describe, expect, it } from "vitest";
import { check } from "./check.ts";
import { canonicalJson, formatHistory, HistoryError, parseHistory } from "./history.ts";

const lines = (...events: object[]): string => events.map((event) => JSON.stringify(event)).join("\n");

function errorOf(text: string): { line: number; reason: string } {
  try {
    parseHistory(text);
  } catch (error) {
    if (error instanceof HistoryError) return { line: error.line, reason: error.reason };
    throw error;
  }
  throw new Error("expected a HistoryError");
}

const write = (process: number, key: string, value: unknown) => [
  { process, type: "invoke", f: "write", key, value },
  { process, type: "ok", f: "write", key, value },
];

describe("parseHistory", () => {
  it("pairs invocations with completions and keeps pending ones as info", () => {
    const history = parseHistory(
      lines(
        { process: 1, type: "invoke", f: "write", key: "x", value: 1 },
        { process: 2, type: "invoke", f: "read", key: "x" },
        { process: 1, type: "ok", f: "write", key: "x", value: 1 },
        { process: 2, type: "ok", f: "read", key: "x", value: 1 },
        { process: 3, type: "invoke", f: "delete", key: "x" },
      ),
    );
    expect(history.operations.map(({ index, completion, status, f }) => ({ index, completion, status, f }))).toEqual([
      { index: 0, completion: 2, status: "ok", f: "write" },
      { index: 1, completion: 3, status: "ok", f: "read" },
      { index: 4, completion: undefined, status: "info", f: "delete" },
    ]);
  });

  it("reads batches and multi-key reads as lists of pairs, with keys like __proto__", () => {
    const history = parseHistory(
      lines(
        { process: 1, type: "invoke", f: "batch", value: [["__proto__", { b: 1, a: 2 }], ["y", null]] },
        { process: 1, type: "ok", f: "batch" },
        { process: 2, type: "invoke", f: "read", value: [["__proto__", null], ["y", null]] },
        { process: 2, type: "ok", f: "read", value: [["__proto__", { a: 2, b: 1 }], ["y", null]] },
      ),
    );
    expect(history.operations[0]!.writes).toEqual([
      { key: "__proto__", value: '{"a":2,"b":1}' },
      { key: "y", value: null },
    ]);
    expect(check(history).models.cc).toBe(true);
  });

  it("compares values by canonical JSON", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: "x" })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
  });

  it("writes back what it parsed", () => {
    const text = formatHistory(parseHistory(lines(...write(1, "x", { n: 1 }), { process: "s", type: "ok", f: "notify", key: "x", value: { n: 1 } })).events);
    expect(parseHistory(text).events).toEqual(parseHistory(lines(...write(1, "x", { n: 1 }), { process: "s", type: "ok", f: "notify", key: "x", value: { n: 1 } })).events);
    expect(text.split("\n")[0]).toBe('{"index":0,"process":1,"type":"invoke","f":"write","key":"x","value":{"n":1}}');
  });

  const invoke = { process: 1, type: "invoke", f: "read", key: "x" };
  const cases: [string, string, number, RegExp][] = [
    ["bad JSON", `${JSON.stringify(invoke)}\n{"process": 1,`, 2, /bad JSON/],
    ["a missing process", lines({ type: "invoke", f: "read", key: "x" }), 1, /process must be/],
    ["an unknown type", lines({ process: 1, type: "done", f: "read" }), 1, /type must be/],
    ["an unknown function", lines({ process: 1, type: "invoke", f: "cas" }), 1, /f must be/],
    ["a key that is not a string", lines({ process: 1, type: "invoke", f: "read", key: 3 }), 1, /key must be a string/],
    ["a write without a value", lines({ process: 1, type: "invoke", f: "write", key: "x" }), 1, /non-null value/],
    ["a batch with a repeated key", lines({ process: 1, type: "invoke", f: "batch", value: [["x", 1], ["x", 2]] }), 1, /appears twice/],
    ["an ok without an invoke", lines({ process: 1, type: "ok", f: "read", key: "x", value: null }), 1, /without a matching invoke/],
    ["a completion of another function", lines(invoke, { process: 1, type: "ok", f: "write", key: "x", value: 1 }), 2, /completes a read/],
    ["an invoke while another is pending", lines(invoke, invoke), 2, /still pending/],
    ["a notification while an operation is pending", lines(invoke, { process: 1, type: "ok", f: "notify", key: "x", value: 1 }), 2, /own process/],
    ["a process continuing after info", lines(invoke, { process: 1, type: "info", f: "read", key: "x" }, invoke), 3, /new process id/],
    ["a duplicate written value", lines(...write(1, "x", 5), ...write(2, "x", 5)), 3, /writes must be unique/],
    ["a completion with another value", lines({ process: 1, type: "invoke", f: "write", key: "x", value: 1 }, { process: 1, type: "ok", f: "write", key: "x", value: 2 }), 2, /differs/],
    ["a read completing with another key", lines(invoke, { process: 1, type: "ok", f: "read", key: "y", value: 1 }), 2, /invoked with "x"/],
    ["a write after quiescence", lines({ process: 0, type: "info", f: "quiesce" }, ...write(1, "x", 1)), 2, /after the quiesce marker/],
    ["a nemesis event that is not info", lines({ process: "nemesis", type: "ok", f: "nemesis", value: {} }), 1, /nemesis event must have type "info"/],
    ["a nemesis event whose value is not an object", lines({ process: "nemesis", type: "info", f: "nemesis", value: [1] }), 1, /JSON object/],
    ["decreasing indexes", lines({ index: 5, ...invoke }, { index: 4, process: 1, type: "ok", f: "read", key: "x", value: null }), 2, /does not increase/],
  ];
  for (const [name, text, line, reason] of cases)
    it(`rejects ${name} with its line`, () => {
      const error = errorOf(text);
      expect(error.line).toBe(line);
      expect(error.reason).toMatch(reason);
    });

  it("keeps nemesis events, at any time and from any process, out of the operations and the checks", () => {
    const nemesis = (phase: string, process: string | number = "nemesis") => ({
      process,
      type: "info",
      f: "nemesis",
      time: 5,
      value: { fault: "kill", phase, detail: "w1" },
    });
    const history = parseHistory(
      lines(
        { process: 1, type: "invoke", f: "write", key: "x", value: 1 },
        nemesis("start"),
        nemesis("start", 1),
        { process: 1, type: "ok", f: "write", key: "x", value: 1 },
        { process: "nemesis", type: "info", f: "quiesce" },
        { process: 2, type: "invoke", f: "read", key: "x" },
        nemesis("stop"),
        { process: 2, type: "ok", f: "read", key: "x", value: 1 },
      ),
    );
    expect(history.events.filter((event) => event.f === "nemesis").map((event) => event.index)).toEqual([1, 2, 6]);
    expect(history.operations.map((op) => [op.index, op.f, op.status])).toEqual([
      [0, "write", "ok"],
      [5, "read", "ok"],
    ]);
    expect(check(history).valid).toBe(true);
    expect(formatHistory(history.events)).toContain('"f":"nemesis","value":{"fault":"kill","phase":"start","detail":"w1"}');
  });

  it("counts lines past blank ones", () => {
    expect(errorOf(`\n\n${JSON.stringify({ process: 1, type: "ok", f: "read", key: "x" })}`).line).toBe(3);
  });
});
