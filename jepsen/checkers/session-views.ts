import { countBelow, type Op, type SourcedRead } from "./analysis.ts";
import type { AnomalySink, StaleReadType } from "./anomalies.ts";
import type { Clocks } from "./clocks.ts";
import type { Link } from "./graph.ts";
import { someDeleteExplains } from "./null-reads.ts";
import { staleRead } from "./witnesses.ts";

/**
 * Shared machinery of the session guarantees. "Older" is causal order: a
 * write w0 is older than w1 when w0 is causally before w1 (any arbitration of
 * a causal store extends it), and a null read is older than w1 when w1 is no
 * delete and no delete of the key could still be the latest.
 */

/** One process's reads of one key (with a known source), with the joined strict pasts of their sources so far. */
interface ReadLog {
  pos: number[];
  reads: number[];
  sources: number[];
  /** Row i joins the strict pasts of sources 0..i (grown by doubling). */
  joins: Int32Array;
}

/** The joined strict past of the first `count` sources of a log. */
export interface LogPrefix {
  count: number;
  join: Int32Array;
}

export class ReadLogs {
  private readonly logs: Map<string, ReadLog>[] = [];

  constructor(private readonly co: Clocks) {
    const { analysis } = co;
    for (let chain = 0; chain < analysis.width; chain++) this.logs.push(new Map());
    for (const op of analysis.ops) for (const read of op.reads) if (read.source >= 0) this.append(op, read);
  }

  /** The reads of `key` by `chain` at positions below `bound`. */
  prefix(chain: number, key: string, bound: number): LogPrefix | undefined {
    const log = this.logs[chain]!.get(key);
    if (log === undefined) return undefined;
    const count = countBelow(log.pos, bound);
    if (count === 0) return undefined;
    const w = this.co.width;
    return { count, join: log.joins.subarray((count - 1) * w, count * w) };
  }

  /** Joins into `target` what `prefix` would return; false when there is no such read. Allocation-free. */
  joinBelow(chain: number, key: string, bound: number, target: Int32Array): boolean {
    const log = this.logs[chain]!.get(key);
    const count = log === undefined ? 0 : countBelow(log.pos, bound);
    if (count === 0) return false;
    const w = this.co.width;
    for (let c = 0, i = (count - 1) * w; c < w; c++, i++) if (log!.joins[i]! > target[c]!) target[c] = log!.joins[i]!;
    return true;
  }

  /** Within a prefix, the first read whose source is causally after `older` (or the last read, for null). */
  witness(chain: number, key: string, prefix: LogPrefix, older: number): { read: number; source: number } {
    const log = this.logs[chain]!.get(key)!;
    let i = prefix.count - 1;
    if (older >= 0) i = log.sources.findIndex((source, j) => j < prefix.count && this.co.before(older, source));
    return { read: log.reads[i]!, source: log.sources[i]! };
  }

  private append(op: Op, read: SourcedRead): void {
    const logs = this.logs[op.chain]!;
    let log = logs.get(read.key);
    if (log === undefined) logs.set(read.key, (log = { pos: [], reads: [], sources: [], joins: new Int32Array(4 * this.co.width) }));
    const w = this.co.width;
    const row = log.pos.length * w;
    if (row + w > log.joins.length) {
      const grown = new Int32Array(log.joins.length * 2);
      grown.set(log.joins);
      log.joins = grown;
    }
    const source = this.co.analysis.ops[read.source]!;
    const { rows } = this.co;
    for (let c = 0; c < w; c++) {
      const own = c === source.chain ? source.pos : rows[read.source * w + c]!;
      log.joins[row + c] = row === 0 ? own : Math.max(own, log.joins[row - w + c]!);
    }
    log.pos.push(op.pos);
    log.reads.push(op.id);
    log.sources.push(read.source);
  }
}

/** For a reading process: per other process, the position of the latest of its ops read so far, and the read that saw it. */
export interface Observations {
  upTo: Int32Array;
  by: Int32Array;
}

/** Visits each op of `chain` in order, with what the process observed up to and including that op. */
export function withObservations(co: Clocks, chain: number, visit: (op: Op, seen: Observations) => void): void {
  const { analysis } = co;
  const seen: Observations = { upTo: new Int32Array(analysis.width).fill(-1), by: new Int32Array(analysis.width) };
  for (const id of analysis.chains[chain]!) {
    const op = analysis.ops[id]!;
    for (const read of op.reads) {
      if (read.source < 0) continue;
      const source = analysis.ops[read.source]!;
      if (source.pos > seen.upTo[source.chain]!) {
        seen.upTo[source.chain] = source.pos;
        seen.by[source.chain] = id;
      }
    }
    visit(op, seen);
  }
}

/** Whether a read saw something causally before a source of `join` (a joined strict past), or null where no delete explains it. */
export function staleAgainst(co: Clocks, op: Op, read: SourcedRead, join: Int32Array): boolean {
  if (read.source < 0) return !someDeleteExplains(co, op.id, read.key, join);
  const source = co.analysis.ops[read.source]!;
  return source.pos < join[source.chain]!;
}

export function reportStale(
  co: Clocks,
  sink: AnomalySink,
  type: StaleReadType,
  op: Op,
  read: SourcedRead,
  expected: number,
  because: Link[],
): void {
  sink.report(type, () =>
    staleRead(co, { type, read: op.id, key: read.key, saw: read.source, expected, because, perProcess: true }),
  );
}

export function link(rel: "po" | "wr", from: number, to: number): Link[] {
  return from === to ? [] : [{ rel, from, to, via: -1 }];
}
