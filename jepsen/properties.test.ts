import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, type ModelName } from "./check.ts";
import type { AnomalyType } from "./checkers/anomalies.ts";
import { dsl, eventsOf, type Script } from "./history-dsl.test-support.ts";
import { formatHistory, historyFromEvents, parseHistory, type HistoryEvent, type Process } from "./history.ts";
import { naiveVerdicts } from "./naive-checker.test-support.ts";
import { causalStoreHistory, seededRandom, sequentialStoreHistory, type Random, type Workload } from "./reference-stores.test-support.ts";

const WORKLOAD: Workload = { processes: 4, keys: 4, operations: 60, quiesce: true };
const RUNS = { numRuns: 100 };
const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });

function verdicts(events: HistoryEvent[], models: ModelName[]) {
  return check(historyFromEvents(events), { models }).models;
}

function allTrue(models: ModelName[]) {
  return Object.fromEntries(models.map((model) => [model, true]));
}

describe("histories of reference stores", () => {
  it("a causal store applying writes in delivery order is causally consistent and a causal memory", () => {
    const models: ModelName[] = ["cc", "cm", "ryw", "mr", "mw", "wfr", "atomic", "lost"];
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(verdicts(causalStoreHistory(seededRandom(seed), WORKLOAD, "delivery"), models)).toEqual(allTrue(models));
      }),
      RUNS,
    );
  });

  it("a causal store with last-writer-wins is causally convergent and converges", () => {
    const models: ModelName[] = ["cc", "ccv", "ryw", "mr", "mw", "wfr", "atomic", "convergence", "lost"];
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(verdicts(causalStoreHistory(seededRandom(seed), WORKLOAD, "lww"), models)).toEqual(allTrue(models));
      }),
      RUNS,
    );
  });

  it("a sequentially consistent store passes every model", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        expect(check(historyFromEvents(sequentialStoreHistory(seededRandom(seed), WORKLOAD))).valid).toBe(true);
      }),
      RUNS,
    );
  });

  it("histories survive a round trip through the JSON Lines format", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const events = sequentialStoreHistory(seededRandom(seed), { ...WORKLOAD, operations: 20 });
        expect(parseHistory(formatHistory(events)).events).toEqual(events);
      }),
      { numRuns: 20 },
    );
  });
});

/** Positions between operations (before the quiesce marker) where events can be inserted. */
function boundaries(events: HistoryEvent[]): number[] {
  const end = events.findIndex((event) => event.f === "quiesce");
  const positions: number[] = [];
  for (let i = 0; i <= (end < 0 ? events.length : end); i++) if (i === 0 || events[i - 1]!.type !== "invoke") positions.push(i);
  return positions;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function insert(events: HistoryEvent[], at: number, ops: [Process, string][]): HistoryEvent[] {
  const added = ops.flatMap(([process, op]) => eventsOf(process, op));
  return [...events.slice(0, at), ...added, ...events.slice(at)].map((event, index) => ({ ...event, index }));
}

type Corruption = (events: HistoryEvent[], random: Random) => HistoryEvent[];

const CORRUPTIONS: Record<string, { corrupt: Corruption; expected: AnomalyType }> = {
  "a read returns a value its own process writes later": {
    expected: "CyclicCO",
    corrupt: (events, random) => {
      const marker = events.findIndex((event) => event.f === "quiesce");
      const reads = events.flatMap((event, i) => (i < marker && event.type === "ok" && event.f === "read" && event.key !== undefined ? [i] : []));
      const at = pick(random, reads);
      const read = events[at]!;
      const changed = events.map((event, i) => (i === at ? { ...event, value: "future" } : event));
      return insert(changed, at + 1, [[read.process, `w ${read.key} future`]]);
    },
  },
  "a process's own write goes missing": {
    expected: "ReadYourWrites",
    corrupt: (events, random) => {
      const [p, key] = [Math.floor(random() * WORKLOAD.processes), `k${Math.floor(random() * WORKLOAD.keys)}`];
      return insert(events, pick(random, boundaries(events)), [[p, `w ${key} m0`], [p, `w ${key} m1`], [p, `r ${key} m0`]]);
    },
  },
  "a batch is seen half": {
    expected: "FracturedRead",
    corrupt: (events, random) => {
      const p = Math.floor(random() * WORKLOAD.processes);
      const q = (p + 1) % WORKLOAD.processes;
      return insert(events, pick(random, boundaries(events)), [[p, "w k1 h0"], [p, "b k0=h1 k1=h2"], [q, "r k0 h1"], [q, "r k1 h0"]]);
    },
  },
  "an acknowledged write is missing from the final state": {
    expected: "LostWrite",
    corrupt: (events, random) => {
      const p = Math.floor(random() * WORKLOAD.processes);
      const marker = events.findIndex((event) => event.f === "quiesce");
      const withWrites = insert(events, marker, [[p, "w k0 l0"], [p, "w k0 l1"]]);
      const finalFrom = withWrites.findIndex((event) => event.f === "quiesce");
      return withWrites.map((event, i) => (i > finalFrom && event.type === "ok" && event.key === "k0" ? { ...event, value: "l0" } : event));
    },
  },
};

describe("corrupted histories are always reported", () => {
  for (const [name, { corrupt, expected }] of Object.entries(CORRUPTIONS))
    it(name, () => {
      fc.assert(
        fc.property(seeds, fc.boolean(), (seed, lww) => {
          const random = seededRandom(seed);
          const events = corrupt(causalStoreHistory(random, WORKLOAD, lww ? "lww" : "delivery"), random);
          const result = check(historyFromEvents(events));
          expect(result.valid).toBe(false);
          expect(result.anomalies[expected]?.length).toBeGreaterThan(0);
        }),
        RUNS,
      );
    });
});

/** Tiny histories where reads return arbitrary written values (or null): mostly invalid, some valid. */
function tinyHistory(random: Random) {
  const processes = 2 + Math.floor(random() * 3);
  const written = new Map<string, string[]>([["x", []], ["y", []]]);
  const plans: string[][] = Array.from({ length: processes }, () => []);
  for (let i = 0, n = 3 + Math.floor(random() * 7); i < n; i++) {
    const key = pick(random, ["x", "y"]);
    const roll = random();
    if (roll < 0.1) plans[Math.floor(random() * processes)]!.push(`d ${key}`);
    else if (roll < 0.5) {
      const value = `${i}`;
      written.get(key)!.push(value);
      plans[Math.floor(random() * processes)]!.push(`w ${key} ${value}`);
    } else plans[Math.floor(random() * processes)]!.push(`r ${key}`);
  }
  const scripts = plans.map((ops, p): Script => [
    p,
    ...ops.map((op) => (op.startsWith("r ") ? `${op} ${random() < 0.2 ? "-" : pick(random, [...written.get(op[2]!)!, "-"])}` : op)),
  ]);
  return dsl(scripts);
}

describe("the fast checkers agree with naive definitions", () => {
  it("on random tiny histories", () => {
    const models: ModelName[] = ["cc", "cm", "ccv", "ryw", "mr", "mw", "wfr", "atomic"];
    fc.assert(
      fc.property(seeds, (seed) => {
        const history = tinyHistory(seededRandom(seed));
        expect(check(history, { models }).models).toEqual(naiveVerdicts(history));
      }),
      { numRuns: 1000 },
    );
  });
});
