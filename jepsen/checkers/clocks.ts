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

  /** The first of the first `count` ops of `ys` that x is ordered before. */
  firstAfter(x: number, ys: Int32Array, count: number): number | undefined {
    for (let i = 0; i < count; i++) if (this.before(x, ys[i]!)) return ys[i]!;
    return undefined;
  }

  row(y: number): Int32Array {
    return this.rows.subarray(y * this.width, (y + 1) * this.width);
  }

  /** Raises y's vector to include x's; true when it changed. */
  joinInto(y: number, x: number): boolean {
    const { rows, width } = this;
    let changed = false;
    for (let i = y * width, j = x * width, end = j + width; j < end; i++, j++) {
      const entry = rows[j]!;
      if (entry > rows[i]!) {
        rows[i] = entry;
        changed = true;
      }
    }
    return changed;
  }

  /** Raises `into` to include the ops strictly before y. */
  joinStrictPastInto(into: Int32Array, y: number): void {
    const own = this.analysis.chainOf[y]!;
    for (let c = 0, i = y * this.width; c < this.width; c++, i++) {
      const entry = c === own ? this.analysis.posOf[y]! : this.rows[i]!;
      if (entry > into[c]!) into[c] = entry;
    }
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
  const { chainOf, posOf, readStart, readSource } = analysis;
  const clocks = new Clocks(analysis, new Int32Array(analysis.size * analysis.width));
  for (const u of order) {
    const chain = chainOf[u]!;
    const pos = posOf[u]!;
    if (pos > 0) clocks.joinInto(u, analysis.at(chain, pos - 1));
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) if (readSource[slot]! >= 0) clocks.joinInto(u, readSource[slot]!);
    clocks.rows[u * clocks.width + chain] = pos + 1;
  }
  return clocks;
}
