import type { Analysis } from "./analysis.ts";

/**
 * A prefix-closed order over ops kept as one vector per op: entry c of op y's
 * vector counts the ops of process c that are ordered before or at y. Valid
 * for any order containing program order (causal order, happens-before).
 */
export class Clocks {
  readonly width: number;

  constructor(
    readonly analysis: Analysis,
    readonly rows: Int32Array,
  ) {
    this.width = analysis.width;
  }

  /** x is ordered before y, or x is y. */
  seen(x: number, y: number): boolean {
    return this.rows[y * this.width + this.analysis.chainOf[x]!]! > this.analysis.posOf[x]!;
  }

  before(x: number, y: number): boolean {
    return x !== y && this.seen(x, y);
  }

  row(y: number): Int32Array {
    return this.rows.subarray(y * this.width, (y + 1) * this.width);
  }

  /** Raises y's vector to include x's; true when it changed. */
  joinInto(y: number, x: number): boolean {
    let changed = false;
    const w = this.width;
    for (let c = 0, i = y * w, j = x * w; c < w; c++, i++, j++)
      if (this.rows[j]! > this.rows[i]!) {
        this.rows[i] = this.rows[j]!;
        changed = true;
      }
    return changed;
  }

  /** The vector of ops strictly before y. */
  strictPast(y: number): Int32Array {
    const past = this.row(y).slice();
    past[this.analysis.ops[y]!.chain] = this.analysis.ops[y]!.pos;
    return past;
  }

  /** Componentwise maximum of the vectors of `ops`. */
  joinOf(ops: readonly number[]): Int32Array {
    const joined = new Int32Array(this.width);
    for (const op of ops) joinVector(joined, this.row(op));
    return joined;
  }
}

export function joinVector(into: Int32Array, from: Int32Array): void {
  for (let c = 0; c < into.length; c++) if (from[c]! > into[c]!) into[c] = from[c]!;
}

/** Causal order (po ∪ wr)+ as vector clocks, computed along a topological order of po ∪ wr. */
export function causalClocks(analysis: Analysis, order: Int32Array): Clocks {
  const clocks = new Clocks(analysis, new Int32Array(analysis.ops.length * analysis.width));
  for (const u of order) {
    const op = analysis.ops[u]!;
    if (op.pos > 0) clocks.joinInto(u, analysis.at(op.chain, op.pos - 1));
    for (const read of op.reads) if (read.source >= 0) clocks.joinInto(u, read.source);
    clocks.rows[u * clocks.width + op.chain] = op.pos + 1;
  }
  return clocks;
}
