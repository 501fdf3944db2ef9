import { describe, expect, it } from "vitest";
import { CoverageCounter, CoverageTable, markOf, reachesAny, transitionMarks } from "./coverage.ts";

describe("coverage marks", () => {
  it("reads path lines up to their first number, and transition lines whole", () => {
    expect(markOf("path: checkpoint written")).toBe("path: checkpoint written");
    expect(markOf("path: autoclean deleted 12 log objects")).toBe("path: autoclean deleted");
    expect(markOf("path: late look-up of an ambiguous log PUT")).toBe("path: late look-up of an ambiguous log PUT");
    expect(markOf("transition entry: settling --settled--> lookingUp")).toBe("transition entry: settling --settled--> lookingUp");
    expect(markOf("skipping log object \"x\": bad")).toBeUndefined();
    expect(markOf("transition entry: settling -> lookingUp")).toBeUndefined();
    expect(markOf("a path: inside a line")).toBeUndefined();
  });

  it("lists every transition a table allows", () => {
    const lifecycle = { name: "door", transitions: { open: { close: "closed" }, closed: { open: "open", lock: "locked" }, locked: {} } };
    expect(transitionMarks([lifecycle])).toEqual([
      "transition door: open --close--> closed",
      "transition door: closed --open--> open",
      "transition door: closed --lock--> locked",
    ]);
  });
});

describe("CoverageTable", () => {
  const schedule = (...lines: string[]) => {
    const counter = new CoverageCounter();
    lines.forEach((line) => counter.record(line));
    return counter.hits();
  };

  it("counts schedules reaching each mark and the hits, and names expected marks never reached", () => {
    const table = new CoverageTable(["transition door: closed --lock--> locked", "path: checkpoint written"]);
    table.add(schedule("path: checkpoint written", "path: checkpoint written", "path: autoclean deleted 3 log objects", "noise"));
    table.add(schedule("path: autoclean deleted 1 log objects"));
    table.add(schedule());
    table.add(schedule());
    expect(table.schedules).toBe(4);
    expect(table.rows()).toEqual([
      { mark: "path: autoclean deleted", schedules: 2, hits: 2 },
      { mark: "path: checkpoint written", schedules: 1, hits: 2 },
      { mark: "transition door: closed --lock--> locked", schedules: 0, hits: 0 },
    ]);
    expect(table.unreached()).toEqual(["transition door: closed --lock--> locked"]);
    expect(table.render().split("\n")).toEqual([
      "mark                                      schedules       %       hits",
      "path: autoclean deleted                           2    50.0          2",
      "path: checkpoint written                          1    25.0          2",
      "transition door: closed --lock--> locked          0     0.0          0",
    ]);
  });

  it("merges tables of schedules run elsewhere as if they had been added here", () => {
    const whole = new CoverageTable(["path: checkpoint written"]);
    const parts = [new CoverageTable(), new CoverageTable()];
    const schedules = [schedule("path: autoclean deleted 3 log objects"), schedule(), schedule("path: autoclean deleted 1 log objects", "path: checkpoint written")];
    schedules.forEach((hits, i) => (whole.add(hits), parts[i % 2]!.add(hits)));
    const merged = new CoverageTable(["path: checkpoint written"]);
    for (const part of parts) merged.merge(part.rows(), part.schedules);
    expect([merged.schedules, merged.rows()]).toEqual([whole.schedules, whole.rows()]);
  });

  it("tells whether a schedule reached a path under any of its names", () => {
    const hits = schedule("transition entry: settling --settled--> lookingUp");
    expect(reachesAny(hits, ["path: late look-up of an ambiguous log PUT", "transition entry: settling --settled--> lookingUp"])).toBe(true);
    expect(reachesAny(hits, ["path: checkpoint written"])).toBe(false);
  });
});
