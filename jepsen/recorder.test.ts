import { describe, expect, it } from "vitest";
import { MPS3 } from "../impl/mps3.ts";
import { S3Simulator } from "../model/s3-simulator.ts";
import { VirtualClock } from "../model/virtual-clock.ts";
import { check } from "./check.ts";
import { parseHistory } from "./history.ts";
import { HistoryRecorder } from "./recorder.ts";

function twoClients() {
  const clock = new VirtualClock({ seed: 7 });
  const sim = new S3Simulator(clock, { latency: (_, random) => ({ uplinkMs: random.int(1, 30), downlinkMs: random.int(1, 30) }) });
  sim.createBucket("b", { versioning: false });
  const client = () => new MPS3({ defaultBucket: "b", storage: sim, env: clock.env(), pollFrequency: 100, log: false });
  const recorder = new HistoryRecorder(() => clock.now());
  return { clock, recorder, a: recorder.process(1, client()), b: recorder.process(2, client()) };
}

describe("HistoryRecorder", () => {
  it("records every operation and notification as a history the checker accepts", async () => {
    const { clock, recorder, a, b } = twoClients();
    b.subscribe("x");
    await clock.runUntilSettled(a.put("x", a.uniqueValue()));
    await clock.runUntilSettled(a.putAll([["x", a.uniqueValue()], ["y", a.uniqueValue(100)]]));
    await clock.runUntilSettled(a.delete("y"));
    await clock.runFor(15_000);
    recorder.quiesce();
    await clock.runUntilSettled(b.get("x"));
    await clock.runUntilSettled(b.get("y"));

    const history = parseHistory(recorder.jsonl());
    const operations = history.events.filter((e) => e.f !== "notify");
    expect(operations.map((e) => `${e.process} ${e.type} ${e.f}`)).toEqual([
      "1 invoke write",
      "1 ok write",
      "1 invoke batch",
      "1 ok batch",
      "1 invoke delete",
      "1 ok delete",
      "nemesis info quiesce",
      "2 invoke read",
      "2 ok read",
      "2 invoke read",
      "2 ok read",
    ]);
    const notified = history.events.filter((e) => e.f === "notify").map((e) => e.value);
    expect(notified.at(-1)).toEqual({ by: "1", n: 1 });
    expect(history.events.at(-3)!.value).toEqual({ by: "1", n: 1 });
    expect(history.events.at(-1)!.value).toBeNull();
    expect(check(history).valid).toBe(true);
  });

  it("records no read for a handler call that reports a failed sync", async () => {
    const clock = new VirtualClock({ seed: 7 });
    const sim = new S3Simulator(clock, {});
    const client = new MPS3({ defaultBucket: "missing", storage: sim, env: clock.env(), pollFrequency: 100, log: false });
    const recorder = new HistoryRecorder(() => clock.now());
    const errors: Error[] = [];
    client.subscribe("x", (_, error) => error && errors.push(error));
    recorder.process(1, client).subscribe("x");
    await clock.runFor(5_000);
    expect(errors.length).toBeGreaterThan(0);
    expect(recorder.events.filter((event) => event.f === "notify")).toEqual([]);
    await clock.runUntilSettled(client.shutdown());
  });

  it("records a notification in every idle process of the client, and under `<id>-sub` while the subscriber is busy", async () => {
    const { clock, recorder, a, b } = twoClients();
    const sibling = recorder.process("2b", b.client);
    b.subscribe("x");
    await clock.runFor(1_000);
    await clock.runUntilSettled(a.put("x", a.uniqueValue()));
    await clock.runFor(1_000);
    const pending = b.put("x", b.uniqueValue());
    await clock.runUntilSettled(pending);
    const siblingPending = sibling.put("x", sibling.uniqueValue());
    await clock.runUntilSettled(siblingPending);
    const notified = recorder.events.filter((e) => e.f === "notify").map((e) => `${e.process} ${JSON.stringify(e.value)}`);
    expect(notified).toEqual([
      "2 null",
      "2b null",
      '2 {"by":"1","n":0}',
      '2b {"by":"1","n":0}',
      '2-sub {"by":"2","n":0}',
      '2b {"by":"2","n":0}',
      '2 {"by":"2b","n":0}',
    ]);
    expect(check(parseHistory(recorder.jsonl()), { models: ["cc", "ccv", "ryw", "mr", "mw", "wfr"] }).valid).toBe(true);
  });

  it("records the value a caller passed or was given, whatever the caller does to the object afterwards", async () => {
    const { clock, recorder, a, b } = twoClients();
    const value = { by: "1", n: 0, nested: { list: [1] } };
    const written = a.put("x", value);
    value.n = 99;
    value.nested.list.push(2);
    await clock.runUntilSettled(written);
    await clock.runFor(15_000);
    const read = (await clock.runUntilSettled(b.get("x"))) as { nested: { list: number[] } };
    expect(() => read.nested.list.push(3)).toThrow(TypeError);
    const values = recorder.events.map((e) => `${e.type} ${e.f} ${JSON.stringify(e.value)}`);
    const original = '{"by":"1","n":0,"nested":{"list":[1]}}';
    expect(values).toEqual([`invoke write ${original}`, `ok write ${original}`, "invoke read undefined", `ok read ${original}`]);
  });

  it("lets an ended process finish what is pending, and start nothing more", async () => {
    const { clock, recorder, a } = twoClients();
    const pending = a.put("x", a.uniqueValue());
    a.end();
    await clock.runUntilSettled(pending);
    expect(recorder.events.map((e) => e.type)).toEqual(["invoke", "ok"]);
    await expect(a.get("x")).rejects.toThrow(/ended/);
  });

  it("records a rejected write as failed and refuses a second operation on a busy process", async () => {
    const { clock, recorder, a } = twoClients();
    await clock.runUntilSettled(a.put("x", JSON.parse('{"__proto__": 1}')));
    expect(recorder.events.map((e) => e.type)).toEqual(["invoke", "fail"]);
    const pending = a.put("x", a.uniqueValue());
    await expect(a.get("x")).rejects.toThrow(/busy with write/);
    await clock.runUntilSettled(pending);
  });

  it("leaves a crashed process's pending write without an outcome, and records nothing after", async () => {
    const { clock, recorder, a } = twoClients();
    const pending = a.put("x", a.uniqueValue());
    a.crash();
    await clock.runUntilSettled(pending);
    expect(recorder.events.map((e) => e.type)).toEqual(["invoke"]);
    expect(recorder.history().operations[0]!.status).toBe("info");
    await expect(a.get("x")).rejects.toThrow(/crashed/);
  });
});
