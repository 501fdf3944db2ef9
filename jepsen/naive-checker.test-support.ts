import { Analysis } from "./checkers/analysis.ts";
import type { ModelName } from "./check.ts";
import type { History } from "./history.ts";

/**
 * A deliberately naive reading of the same definitions, for cross-checking
 * the fast checkers on tiny histories: explicit relations as boolean
 * matrices, transitive closure by Floyd-Warshall, every pattern by brute force.
 */
export type NaiveModel = Exclude<ModelName, "convergence" | "lost">;

type Matrix = boolean[][];

export function naiveVerdicts(history: History): Record<NaiveModel, boolean | "unknown"> {
  const a = new Analysis(history);
  const n = a.ops.length;
  const co = closure(edges(a, n));
  if (cyclic(co)) {
    return { cc: false, cm: false, ccv: false, ryw: "unknown", mr: "unknown", mw: "unknown", wfr: "unknown", atomic: "unknown" };
  }
  const facts = new Facts(a, co);
  const cc = a.thinAir.length === 0 && a.ops.every((op) => op.reads.every((read) => !facts.stale(op.id, read.key, read.source, facts.writesBefore(read.key, op.id, co), co)));
  return {
    cc,
    cm: cc && a.chains.every((_, chain) => causalMemoryHolds(facts, chain)),
    ccv: cc && !cyclic(closure(withConflicts(facts))),
    ryw: facts.everyRead((r, key) => a.ops.filter((w) => facts.po(w.id, r) && w.writes.some((x) => x.key === key)).map((w) => w.id)),
    mr: facts.everyRead((r, key) => facts.earlierReads(r, false).filter((e) => e.key === key && e.source >= 0).map((e) => e.source)),
    mw: facts.everyRead((r, key) =>
      facts.earlierReads(r, true).flatMap((e) => (e.source < 0 ? [] : facts.writesOfPrecedingInProcess(key, e.source))),
    ),
    wfr: facts.everyRead((r, key) =>
      facts
        .earlierReads(r, true)
        .filter((e) => e.source >= 0 && a.ops[e.source]!.chain !== a.ops[r]!.chain)
        .flatMap((e) => facts.readsBeforeInProcess(key, e.source)),
    ),
    atomic: facts.everyRead((r, key) => {
      const batches = facts
        .earlierReads(r, true)
        .filter((e) => e.source >= 0 && e.key !== key && a.ops[e.source]!.writes.length > 1 && a.written(a.ops[e.source]!, key) !== undefined)
        .map((e) => e.source);
      return batches.some((b) => a.written(a.ops[b]!, key) === null) ? "skip" : batches;
    }),
  };
}

function edges(a: Analysis, n: number): Matrix {
  const m = square(n);
  for (const op of a.ops) {
    for (const other of a.ops) if (other.chain === op.chain && other.pos > op.pos) m[op.id]![other.id] = true;
    for (const read of op.reads) if (read.source >= 0) m[read.source]![op.id] = true;
  }
  return m;
}

function square(n: number): Matrix {
  return Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
}

function closure(m: Matrix): Matrix {
  const c = m.map((row) => [...row]);
  const n = c.length;
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) if (c[i]![k]) for (let j = 0; j < n; j++) if (c[k]![j]) c[i]![j] = true;
  return c;
}

function cyclic(m: Matrix): boolean {
  return m.some((row, i) => row[i]);
}

class Facts {
  constructor(
    readonly a: Analysis,
    readonly co: Matrix,
  ) {}

  po(x: number, y: number): boolean {
    const [ox, oy] = [this.a.ops[x]!, this.a.ops[y]!];
    return ox.chain === oy.chain && ox.pos < oy.pos;
  }

  writers(key: string): number[] {
    return this.a.ops.filter((op) => this.a.written(op, key) !== undefined).map((op) => op.id);
  }

  writesBefore(key: string, r: number, order: Matrix): number[] {
    return this.writers(key).filter((w) => order[w]![r]);
  }

  /**
   * A read of key saw `source` (-1: null) though it had to see all of `required`:
   * stale when the source is before one of them, or, for null, when neither the
   * initial state nor any delete can be the latest.
   */
  stale(r: number, key: string, source: number, required: number[], order: Matrix): boolean {
    if (source >= 0) return required.some((w) => order[source]![w]);
    if (required.length === 0) return false;
    const latest = required.filter((w) => !required.some((other) => order[w]![other]));
    if (latest.some((w) => this.a.written(this.a.ops[w]!, key) === null)) return false;
    const deletes = this.writers(key).filter((d) => this.a.written(this.a.ops[d]!, key) === null);
    return !deletes.some((d) => required.every((w) => d !== w && !order[d]![w]) && !order[r]![d]);
  }

  /** Reads (key and source) of ops of r's process before r, or up to and including r. */
  earlierReads(r: number, inclusive: boolean): { key: string; source: number }[] {
    return this.a.ops.filter((op) => this.po(op.id, r) || (inclusive && op.id === r)).flatMap((op) => op.reads);
  }

  writesOfPrecedingInProcess(key: string, w2: number): number[] {
    return this.writers(key).filter((w1) => this.po(w1, w2));
  }

  readsBeforeInProcess(key: string, w2: number): number[] {
    return this.a.ops
      .filter((op) => this.po(op.id, w2))
      .flatMap((op) => op.reads)
      .filter((read) => read.key === key && read.source >= 0)
      .map((read) => read.source);
  }

  everyRead(required: (r: number, key: string) => number[] | "skip"): boolean {
    return this.a.ops.every((op) =>
      op.reads.every((read) => {
        const must = required(op.id, read.key);
        return must === "skip" || !this.stale(op.id, read.key, read.source, must, this.co);
      }),
    );
  }
}

function causalMemoryHolds(facts: Facts, chain: number): boolean {
  const { a } = facts;
  let hb = facts.co.map((row) => [...row]);
  const reads = a.chains[chain]!.flatMap((id) => a.ops[id]!.reads.map((read) => ({ r: id, ...read })));
  for (let changed = true; changed; ) {
    changed = false;
    for (const { r, key, source } of reads) {
      if (source < 0) continue;
      for (const w of facts.writers(key))
        if (w !== source && hb[w]![r] && !hb[w]![source]) {
          hb[w]![source] = true;
          changed = true;
        }
    }
    hb = closure(hb);
  }
  if (cyclic(hb)) return false;
  return reads.every(({ r, key, source }) => source >= 0 || !facts.stale(r, key, source, facts.writesBefore(key, r, hb), hb));
}

function withConflicts(facts: Facts): Matrix {
  const m = facts.co.map((row) => [...row]);
  for (const op of facts.a.ops)
    for (const { key, source } of op.reads) {
      if (source < 0) continue;
      for (const w of facts.writesBefore(key, op.id, facts.co)) if (w !== source) m[w]![source] = true;
    }
  return m;
}
