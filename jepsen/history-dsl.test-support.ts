import { historyFromEvents, type EventType, type History, type HistoryEvent, type Json, type Process } from "./history.ts";

/**
 * Compact histories for tests. Each script is a process followed by its
 * operations, emitted one process after another (the checkers ignore real
 * time). Operations: "w x 1" write, "d x" delete, "r x 1" read ("-" is null),
 * "b x=1 y=-" batch, "rs x=1 y=-" read of several keys, "n x 1" notification.
 * A "?" after the letter makes the outcome info, "!" fail. Final scripts
 * follow a quiesce marker.
 */
export type Script = [Process, ...string[]];

export function dsl(scripts: Script[], finals?: Script[]): History {
  const events: Omit<HistoryEvent, "index">[] = [];
  const emit = ([process, ...ops]: Script): void => {
    for (const op of ops) events.push(...eventsOf(process, op));
  };
  scripts.forEach(emit);
  if (finals !== undefined) {
    events.push({ process: "nemesis", type: "info", f: "quiesce" });
    finals.forEach(emit);
  }
  return historyFromEvents(events.map((event, index) => ({ index, ...event })));
}

function value(text: string): Json {
  if (text === "-") return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

function pairs(args: string[]): [string, Json][] {
  return args.map((arg) => {
    const [key, text] = arg.split("=") as [string, string];
    return [key, value(text)];
  });
}

/** The events of one operation in the compact notation. */
export function eventsOf(process: Process, op: string): Omit<HistoryEvent, "index">[] {
  const [head, ...args] = op.split(" ") as [string, ...string[]];
  const outcome: EventType = head.endsWith("?") ? "info" : head.endsWith("!") ? "fail" : "ok";
  const kind = head.replace(/[?!]$/, "");
  const pair = (
    f: HistoryEvent["f"],
    invoke: Partial<HistoryEvent>,
    completion: Partial<HistoryEvent>,
  ): Omit<HistoryEvent, "index">[] => [
    { process, type: "invoke", f, ...invoke },
    { process, type: outcome, f, ...completion },
  ];
  const [key, text] = args as [string, string];
  switch (kind) {
    case "w":
      return pair("write", { key, value: value(text) }, { key, value: value(text) });
    case "d":
      return pair("delete", { key }, { key });
    case "r":
      return pair("read", { key }, outcome === "ok" ? { key, value: value(text) } : { key });
    case "rs":
      return pair("read", { value: pairs(args).map(([k]) => [k, null]) }, outcome === "ok" ? { value: pairs(args) } : {});
    case "b":
      return pair("batch", { value: pairs(args) }, { value: pairs(args) });
    case "n":
      return [{ process, type: "ok", f: "notify", key, value: value(text) }];
    default:
      throw new Error(`unknown operation ${op}`);
  }
}
