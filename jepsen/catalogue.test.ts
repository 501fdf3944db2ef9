import { describe, expect, it } from "vitest";
import { check, type ModelName, type Verdict } from "./check.ts";
import type { AnomalyType } from "./checkers/anomalies.ts";
import { dsl, type Script } from "./history-dsl.test-support.ts";
import type { History } from "./history.ts";
import { naiveVerdicts } from "./naive-checker.test-support.ts";
import { renderResult } from "./render.ts";

interface Entry {
  name: string;
  history: History;
  verdicts: Partial<Record<ModelName, Verdict>>;
  /** Exactly the anomaly types reported. */
  anomalies: AnomalyType[];
}

const CAUSAL_AND_SESSIONS: Record<"cc" | "cm" | "ccv" | "ryw" | "mr" | "mw" | "wfr" | "atomic", true> = {
  cc: true,
  cm: true,
  ccv: true,
  ryw: true,
  mr: true,
  mw: true,
  wfr: true,
  atomic: true,
};

function entry(name: string, scripts: Script[], verdicts: Entry["verdicts"], anomalies: AnomalyType[], finals?: Script[]): Entry {
  return { name, history: dsl(scripts, finals), verdicts: { ...CAUSAL_AND_SESSIONS, ...verdicts }, anomalies };
}

const NOT_CAUSAL = { cc: false, cm: false, ccv: false } as const;
const UNDECIDED_SESSIONS = { ryw: "unknown", mr: "unknown", mw: "unknown", wfr: "unknown", atomic: "unknown" } as const;

const CATALOGUE: Entry[] = [
  entry("a read of another process's write", [[1, "w x 1"], [2, "r x 1", "r x 1"]], {}, []),
  entry("null reads before any write", [[1, "r x -", "w x 1"], [2, "r x -"]], {}, []),
  entry("keys that name object internals", [[1, "w __proto__ 1", "w constructor 2"], [2, "r __proto__ 1", "r constructor 2"]], {}, []),
  entry("a notification under its own process", [[1, "w x 1"], ["1-sub", "n x 1"]], {}, []),
  entry("an info write that was observed", [[1, "w? x 1"], [2, "r x 1"]], {}, []),
  entry("an info write that may never have happened", [[1, "w x 0"], [2, "r x 0", "w? x 1"], [3, "r x 0"]], {}, []),

  entry("CyclicCO: each process reads the other's later write", [[1, "r x 2", "w y 1"], [2, "r y 1", "w x 2"]], { ...NOT_CAUSAL, ...UNDECIDED_SESSIONS }, ["CyclicCO"]),
  entry("CyclicCO: a read of the process's own future write", [[1, "r x 1", "w x 1"]], { ...NOT_CAUSAL, ...UNDECIDED_SESSIONS }, ["CyclicCO"]),
  entry("ThinAirRead: a value nobody wrote", [[1, "w x 1"], [2, "r x 5"]], NOT_CAUSAL, ["ThinAirRead"]),
  entry("ThinAirRead: the value of a failed write", [[1, "w! x 1"], [2, "r x 1"]], NOT_CAUSAL, ["ThinAirRead"]),
  entry("WriteCOInitRead: null after a causally earlier write", [[1, "w x 1", "w y 1"], [2, "r y 1", "r x -"]], { ...NOT_CAUSAL, mw: false }, ["WriteCOInitRead", "MonotonicWrites"]),
  entry("a null read explained by a concurrent delete", [[1, "w x 1", "w y 1"], [2, "r y 1", "r x -"], [3, "d x"]], {}, []),
  entry("WriteCOInitRead: the only delete is overwritten", [[1, "d x", "w x 1", "w y 1"], [2, "r y 1", "r x -"]], { ...NOT_CAUSAL, mw: false }, ["WriteCOInitRead", "MonotonicWrites"]),
  entry("a read of the process's own delete", [[1, "w x 1", "d x", "r x -"]], {}, []),
  entry("WriteCORead: a read of an overwritten value", [[1, "w x 1"], [2, "r x 1", "w x 2", "w y 2"], [3, "r y 2", "r x 1"]], { ...NOT_CAUSAL, mw: false }, ["WriteCORead", "MonotonicWrites"]),

  entry("read your writes broken", [[1, "w x 1"], [2, "r x 1", "w x 2", "r x 1"]], { ...NOT_CAUSAL, ryw: false }, ["WriteCORead", "ReadYourWrites"]),
  entry("read your writes broken by a null read", [[1, "w x 1", "r x -"]], { ...NOT_CAUSAL, ryw: false }, ["WriteCOInitRead", "ReadYourWrites"]),
  entry("monotonic reads broken", [[1, "w x 1", "w x 2"], [2, "r x 2", "r x 1"]], { ...NOT_CAUSAL, mr: false }, ["WriteCORead", "MonotonicReads"]),
  entry("monotonic reads broken by a null read", [[1, "w x 1"], [2, "r x 1", "r x -"]], { ...NOT_CAUSAL, mr: false }, ["WriteCOInitRead", "MonotonicReads"]),
  entry("monotonic writes broken", [[0, "w x 0"], [1, "r x 0", "w x 1", "w y 1"], [2, "r y 1", "r x 0"]], { ...NOT_CAUSAL, mw: false }, ["WriteCORead", "MonotonicWrites"]),
  entry("writes follow reads broken", [[1, "w x 1", "w x 2"], [2, "r x 2", "w y 1"], [3, "r y 1", "r x 1"]], { ...NOT_CAUSAL, wfr: false }, ["WriteCORead", "WritesFollowReads"]),
  entry("a fractured batch, read in two steps", [[1, "w y 0", "b x=1 y=1"], [2, "r x 1", "r y 0"]], { ...NOT_CAUSAL, atomic: false }, ["WriteCORead", "FracturedRead"]),
  entry("a fractured batch, read at once", [[1, "w y 0", "b x=1 y=1"], [2, "rs x=1 y=0"]], { ...NOT_CAUSAL, atomic: false }, ["WriteCORead", "FracturedRead"]),
  entry("a batch read whole", [[1, "w y 0", "b x=1 y=1"], [2, "r x 1", "r y 1"]], {}, []),
  entry("a batch that deletes a key", [[1, "w y 0", "b x=1 y=-"], [2, "r x 1", "r y -"]], {}, []),

  entry("Fig. 2(a)-like: CC, not CM, not CCv", [[1, "w x 1", "r x 2", "r x 1"], [2, "w x 2"]], { cm: false, ccv: false }, ["CyclicHB", "CyclicCF"]),
  entry("Fig. 2(b)-like: CC and CM, not CCv", [[1, "w x 1", "r x 2"], [2, "w x 2", "r x 1"]], { ccv: false }, ["CyclicCF"]),
  entry(
    "Fig. 2(c)-like: CC and CCv, not CM",
    [["q", "w x 2", "w x 1", "w y 1", "w z 1"], ["s", "w y 2"], ["p", "r y 2", "r x 2", "r z 1", "r y 2"]],
    { cm: false },
    ["CyclicHB"],
  ),
  entry("Fig. 2(d)-like: CC, CM and CCv but not sequentially consistent", [[1, "w x 1", "r y -"], [2, "w y 1", "r x -"]], {}, []),
  entry(
    "WriteHBInitRead: CC and CCv, but null after a write in the process's view",
    [["q", "w x 1", "w y 1", "w z 1"], ["s", "w y 2"], ["p", "r y 2", "r x -", "r z 1", "r y 2"]],
    { cm: false },
    ["WriteHBInitRead"],
  ),

  entry("converged final reads", [[1, "w x 1"], [2, "w x 2"]], { convergence: true, lost: true }, [], [[1, "r x 2"], [2, "r x 2"]]),
  entry("Divergence: final reads disagree", [[1, "w x 1"], [2, "w x 2"]], { convergence: false, lost: true }, ["Divergence"], [[1, "r x 1"], [2, "r x 2"]]),
  entry("LostWrite: final reads show a causally older write", [[1, "w x 1", "w x 2"], [2, "w y 1"]], { ...NOT_CAUSAL, ryw: false, convergence: true, lost: false }, ["WriteCORead", "ReadYourWrites", "LostWrite"], [[1, "r x 1"], [2, "r x 1"]]),
  entry("LostWrite: final null reads after an acknowledged write", [[1, "w x 1"], [2, "w y 1"]], { convergence: true, lost: false }, ["LostWrite"], [[2, "r x -"], [3, "r x -"]]),
  entry("no lost write when an unacknowledged delete may have landed last", [[1, "w x 1", "d? x"], [2, "w x 2"]], { convergence: true, lost: true }, [], [[3, "r x -"]]),
  entry("no lost write when an unacknowledged batch delete may have landed last", [[1, "w x 1", "b? x=- y=1"], [2, "w x 2"]], { convergence: true, lost: true }, [], [[3, "r x -"]]),
  entry("a null read explained by an unacknowledged delete", [[1, "w x 1", "w y 1"], [2, "r y 1", "r x -"], [3, "d? x"]], {}, []),
  entry("no lost write when the final state shows a concurrent write", [[1, "w x 1"], [2, "w x 2"]], { convergence: true, lost: true }, [], [[1, "r x 2"], [3, "r x 2"]]),
  // An old value committed again after a write that followed it: the later write is lost once its writer's view of the old one is in the history.
  entry("LostWrite: a later write lost to the one its writer was notified of", [[1, "w x 1"], [2, "n x 1", "w x 2"]], { convergence: true, lost: false }, ["LostWrite"], [[3, "r x 1"], [4, "r x 1"]]),
  entry("LostWrite: a later write lost to the one its writer had read", [[1, "w x 1"], [2, "r x 1", "w x 2"]], { convergence: true, lost: false }, ["LostWrite"], [[3, "r x 1"], [4, "r x 1"]]),
  entry(
    "no lost write can be told when the writer's notification is recorded under another process",
    [[1, "w x 1"], ["2-sub", "n x 1"], [2, "w x 2"]],
    { convergence: true, lost: true },
    [],
    [[3, "r x 1"], [4, "r x 1"]],
  ),
];

describe("catalogue of labelled histories", () => {
  for (const { name, history, verdicts, anomalies } of CATALOGUE)
    it(name, () => {
      const models = Object.keys(verdicts) as ModelName[];
      const result = check(history, { models });
      expect(result.models).toEqual(verdicts);
      expect(Object.keys(result.anomalies).sort()).toEqual([...anomalies].sort());
      const text = renderResult(result, history);
      for (const type of anomalies) expect(text).toContain(`${type} (1)`);
      expect(text).toContain(anomalies.length === 0 ? "Valid: no anomalies found." : "Invalid:");
    });

  for (const { name, history, verdicts } of CATALOGUE)
    it(`the naive definitions agree: ${name}`, () => {
      const naive: Partial<Record<ModelName, Verdict>> = naiveVerdicts(history);
      for (const model of Object.keys(verdicts) as ModelName[]) if (model in naive) expect([model, naive[model]]).toEqual([model, verdicts[model]]);
    });
});
