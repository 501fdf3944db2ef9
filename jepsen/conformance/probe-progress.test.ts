import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "./probe-result.ts";
import { probeProgress } from "./probe-progress.ts";

const probe = (name: string, result: ProbeResult["result"]): ProbeResult => ({ name, result, detail: "", observedStatuses: [] });

describe("probe progress", () => {
  it("prints one line per finished probe when stderr is not a terminal", () => {
    let err = "";
    const progress = probeProgress({ out: () => {}, err: (text) => (err += text) });
    progress.probeDone(probe("read-after-write", "pass"), 1, 12);
    progress.probeDone(probe("list-order", "fail"), 12, 12);
    progress.stop();
    expect(err).toMatch(/^\[ 1\/12\] read-after-write: pass \(\d+\.\d s\)\n\[12\/12\] list-order: fail \(\d+\.\d s\)\n$/);
  });

  it("draws a bar on a terminal and nothing through err", () => {
    let drawn = "";
    const terminal = Object.assign(
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          drawn += chunk.toString();
          done();
        },
      }),
      { isTTY: true, columns: 120 },
    ) as unknown as NodeJS.WriteStream;
    let err = "";
    const progress = probeProgress({ out: () => {}, err: (text) => (err += text), terminal });
    progress.probeDone(probe("read-after-write", "pass"), 1, 4);
    progress.probeDone(probe("pagination", "pass"), 2, 4);
    progress.stop();
    expect(err).toBe("");
    expect(drawn).toMatch(/probing \[[█░]+\] 2\/4 \| pagination: pass/);
  });
});
