import type { AnomalySink, StaleReadType } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import type { Link } from "./graph.ts";
import { IndexEntries, KeyChainIndex } from "./key-chain-index.ts";
import { someDeleteExplains } from "./null-reads.ts";
import { staleRead } from "./witnesses.ts";

/**
 * Shared machinery of the session guarantees. "Older" is causal order: a
 * write w0 is older than w1 when w0 is causally before w1 (any arbitration of
 * a causal store extends it), and a null read is older than w1 when w1 is no
 * delete and no delete of the key could still be the latest.
 */

/**
 * Each process's reads of each key (with a known source), as entries of a
 * key and chain index whose items are read slots, with the joined strict
 * pasts of their sources so far: row e of `joins` joins the sources of the
 * entries of e's group up to e.
 */
export class ReadLogs {
  private readonly index: KeyChainIndex;
  private readonly joins: Int32Array;

  constructor(private readonly co: Clocks) {
    const { analysis } = co;
    const entries = new IndexEntries(analysis.readSource.length);
    for (let u = 0; u < analysis.size; u++)
      for (let slot = analysis.readStart[u]!; slot < analysis.readStart[u + 1]!; slot++)
        if (analysis.readSource[slot]! >= 0) entries.add(analysis.readKey[slot]!, analysis.chainOf[u]!, analysis.posOf[u]!, slot);
    this.index = new KeyChainIndex(analysis.keyNames.length, analysis.width, entries);
    const w = co.width;
    this.joins = new Int32Array(this.index.item.length * w);
    for (let g = 0; g < this.index.groupCount; g++)
      for (let e = this.index.firstEntry(g); e < this.index.endEntry(g); e++) {
        const row = this.joinAt(e);
        if (e > this.index.firstEntry(g)) row.set(this.joinAt(e - 1));
        co.joinStrictPastInto(row, this.source(e));
      }
  }

  /** The last entry of `chain`'s reads of `key` at a position below `bound`, or -1. */
  lastBelow(chain: number, key: number, bound: number): number {
    const group = this.index.group(key, chain);
    return group < 0 ? -1 : this.lastInGroupBelow(group, bound);
  }

  /** The chains that read `key`, ascending, as groups: see `chainOfGroup` and `lastInGroupBelow`. */
  firstGroup(key: number): number {
    return this.index.firstGroup(key);
  }

  endGroup(key: number): number {
    return this.index.endGroup(key);
  }

  chainOfGroup(group: number): number {
    return this.index.chainOf(group);
  }

  lastInGroupBelow(group: number, bound: number): number {
    const e = this.index.entryFrom(group, bound) - 1;
    return e < this.index.firstEntry(group) ? -1 : e;
  }

  /** The joined strict past of the sources up to entry e. */
  joinAt(e: number): Int32Array {
    return this.joins.subarray(e * this.co.width, (e + 1) * this.co.width);
  }

  /** Whether the read at `slot` of op u is stale against the sources up to entry e (see staleAgainst). */
  staleAgainstEntry(u: number, slot: number, e: number): boolean {
    const { chainOf, posOf, readSource } = this.co.analysis;
    const source = readSource[slot]!;
    if (source < 0) return staleAgainst(this.co, u, slot, this.joinAt(e));
    return posOf[source]! < this.joins[e * this.co.width + chainOf[source]!]!;
  }

  /** Up to entry e, the first read whose source is causally after `older` (or e's read, for null). */
  witness(e: number, older: number): { read: number; source: number } {
    let i = e;
    if (older >= 0) {
      i = this.index.firstEntry(this.index.groupOfEntry(e));
      while (!this.co.before(older, this.source(i))) i++;
    }
    return { read: this.reader(i), source: this.source(i) };
  }

  private source(e: number): number {
    return this.co.analysis.readSource[this.index.item[e]!]!;
  }

  private reader(e: number): number {
    const { analysis } = this.co;
    return analysis.at(this.index.chainOf(this.index.groupOfEntry(e)), this.index.pos[e]!);
  }
}

/** For a reading process: per other process, the position of the latest of its ops read so far, and the read that saw it. */
export interface Observations {
  upTo: Int32Array;
  by: Int32Array;
}

/** Visits each op of `chain` in order, with what the process observed up to and including that op. */
export function withObservations(co: Clocks, chain: number, visit: (u: number, seen: Observations) => void): void {
  const { analysis } = co;
  const { chainOf, posOf, readStart, readSource } = analysis;
  const seen: Observations = { upTo: new Int32Array(analysis.width).fill(-1), by: new Int32Array(analysis.width) };
  for (const u of analysis.chains[chain]!) {
    for (let slot = readStart[u]!; slot < readStart[u + 1]!; slot++) {
      const source = readSource[slot]!;
      if (source < 0) continue;
      if (posOf[source]! > seen.upTo[chainOf[source]!]!) {
        seen.upTo[chainOf[source]!] = posOf[source]!;
        seen.by[chainOf[source]!] = u;
      }
    }
    visit(u, seen);
  }
}

/** Whether the read at `slot` of op u saw something causally before a source of `join` (a joined strict past), or null where no delete explains it. */
export function staleAgainst(co: Clocks, u: number, slot: number, join: Int32Array): boolean {
  const { chainOf, posOf, readKey, readSource } = co.analysis;
  const source = readSource[slot]!;
  if (source < 0) return !someDeleteExplains(co, u, readKey[slot]!, join);
  return posOf[source]! < join[chainOf[source]!]!;
}

export function reportStale(
  co: Clocks,
  sink: AnomalySink,
  type: StaleReadType,
  u: number,
  slot: number,
  expected: number,
  because: Link[],
): void {
  const { keyNames, readKey, readSource } = co.analysis;
  sink.report(type, () =>
    staleRead(co, { type, read: u, key: keyNames[readKey[slot]!]!, saw: readSource[slot]!, expected, because, perProcess: true }),
  );
}

export function link(rel: "po" | "wr", from: number, to: number): Link[] {
  return from === to ? [] : [{ rel, from, to, via: -1 }];
}
