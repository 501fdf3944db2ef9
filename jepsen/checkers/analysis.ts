import { processKey, type History, type KeyValue, type Operation, type OperationKind, type Process } from "../history.ts";

/** A read with the operation it read from; source is -1 for a null read (initial state or some delete). */
export interface SourcedRead extends KeyValue {
  source: number;
}

/**
 * An operation that may have taken effect: ok operations, plus info writes that
 * some read observed or that delete a key (a null read cannot name the delete
 * it saw, so any unacknowledged delete may explain one).
 * Ids are positions in `Analysis.ops`; `index` is the history index of its invocation.
 */
export interface Op {
  id: number;
  index: number;
  process: Process;
  chain: number;
  pos: number;
  kind: OperationKind;
  reads: SourcedRead[];
  writes: KeyValue[];
  final: boolean;
  acknowledged: boolean;
}

/** A read of a value that no write (that took effect) wrote to that key. */
export interface ThinAir {
  read: number;
  key: string;
  value: string;
  /** History index of the write of this value, when it certainly failed. */
  failedWrite?: number;
}

/** Positions (in one process) of the writes of one key, ascending, with their op ids. */
interface ChainWrites {
  pos: number[];
  ops: number[];
}

interface KeyWrites {
  writes: (ChainWrites | undefined)[];
  deletes: (ChainWrites | undefined)[];
}

/** What every checker shares: effective operations, processes as chains, read sources and per-key write indexes. */
export class Analysis {
  readonly ops: Op[] = [];
  readonly chains: number[][] = [];
  readonly processes: Process[] = [];
  readonly thinAir: ThinAir[] = [];
  readonly keys = new Map<string, KeyWrites>();
  /** Chain and position of each op, packed for hot loops. */
  readonly chainOf: Int32Array;
  readonly posOf: Int32Array;

  constructor(readonly history: History) {
    const { operations } = history;
    const writers = writerIndex(operations);
    const observed = observedWriters(operations, writers);
    const chainOf = new Map<string, number>();
    /** Op id of each operation (by position in the history), -1 when it took no effect. */
    const opOf = new Int32Array(operations.length).fill(-1);
    operations.forEach((operation, i) => {
      const mayHaveTakenEffect = observed[i] || operation.writes.some((write) => write.value === null);
      if (operation.status === "ok" || (operation.status === "info" && mayHaveTakenEffect)) opOf[i] = this.addOp(operation, chainOf).id;
    });
    operations.forEach((operation, i) => {
      if (opOf[i]! >= 0) this.resolveReads(this.ops[opOf[i]!]!, operation.reads, writers, opOf);
    });
    this.chainOf = Int32Array.from(this.ops, (op) => op.chain);
    this.posOf = Int32Array.from(this.ops, (op) => op.pos);
  }

  get width(): number {
    return this.chains.length;
  }

  /** The op invoked at a history index (ops are in history order). */
  op(index: number): Op | undefined {
    let lo = 0;
    let hi = this.ops.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ops[mid]!.index < index) lo = mid + 1;
      else hi = mid;
    }
    return this.ops[lo]?.index === index ? this.ops[lo] : undefined;
  }

  lastOfChain(chain: number): number {
    const ops = this.chains[chain]!;
    return ops[ops.length - 1]!;
  }

  /** Op id at a position of a chain. */
  at(chain: number, pos: number): number {
    return this.chains[chain]![pos]!;
  }

  /** The last write of `key` in `chain` at a position below `bound`, or -1. */
  lastWriteBefore(key: string, chain: number, bound: number): number {
    const list = this.keys.get(key)?.writes[chain];
    return list === undefined ? -1 : lastBelow(list, bound);
  }

  /** Per process, the last write of `key` at a position below that process's entry in `bound`. */
  lastWritesBelow(key: string, bound: ArrayLike<number>): number[] {
    const writes: number[] = [];
    const lists = this.keys.get(key)?.writes ?? [];
    for (let chain = 0; chain < lists.length; chain++) {
      const list = lists[chain];
      const w = list === undefined ? -1 : lastBelow(list, bound[chain]!);
      if (w >= 0) writes.push(w);
    }
    return writes;
  }

  /** The first delete of `key` in `chain` at a position of at least `bound`, or -1. */
  firstDeleteFrom(key: string, chain: number, bound: number): number {
    const list = this.keys.get(key)?.deletes[chain];
    if (list === undefined) return -1;
    const i = countBelow(list.pos, bound);
    return i < list.pos.length ? list.ops[i]! : -1;
  }

  /** The value `op` wrote to `key`: a string, null for a delete, undefined if it did not write it. */
  written(op: Op, key: string): string | null | undefined {
    return op.writes.find((write) => write.key === key)?.value;
  }

  private addOp(operation: Operation, chainOf: Map<string, number>): Op {
    const chain = this.chainFor(operation.process, chainOf);
    const ops = this.chains[chain]!;
    const op: Op = {
      id: this.ops.length,
      index: operation.index,
      process: operation.process,
      chain,
      pos: ops.length,
      kind: operation.f,
      reads: NO_READS,
      writes: operation.writes,
      final: operation.final,
      acknowledged: operation.status === "ok",
    };
    this.ops.push(op);
    ops.push(op.id);
    for (const write of op.writes) this.indexWrite(op, write);
    return op;
  }

  private chainFor(process: Process, chainOf: Map<string, number>): number {
    const key = processKey(process);
    let chain = chainOf.get(key);
    if (chain === undefined) {
      chain = this.chains.length;
      chainOf.set(key, chain);
      this.chains.push([]);
      this.processes.push(process);
    }
    return chain;
  }

  private indexWrite(op: Op, { key, value }: KeyValue): void {
    let entry = this.keys.get(key);
    if (entry === undefined) this.keys.set(key, (entry = { writes: [], deletes: [] }));
    append(entry.writes, op);
    if (value === null) append(entry.deletes, op);
  }

  private resolveReads(op: Op, reads: KeyValue[], writers: WriterIndex, opOf: Int32Array): void {
    if (reads.length === 0) return;
    op.reads = [];
    for (const read of reads) {
      if (read.value === null) {
        op.reads.push({ ...read, source: -1 });
        continue;
      }
      const writer = writers.get(read.key)?.get(read.value);
      const source = writer === undefined ? -1 : opOf[writer]!;
      if (source >= 0) op.reads.push({ ...read, source });
      else {
        const failed = writer === undefined ? {} : { failedWrite: this.history.operations[writer]!.index };
        this.thinAir.push({ read: op.index, ...read, value: read.value, ...failed });
      }
    }
  }
}

/** Shared by the ops that read nothing. */
const NO_READS: SourcedRead[] = [];

function append(lists: (ChainWrites | undefined)[], op: Op): void {
  let list = lists[op.chain];
  if (list === undefined) lists[op.chain] = list = { pos: [], ops: [] };
  list.pos.push(op.pos);
  list.ops.push(op.id);
}

function lastBelow(list: ChainWrites, bound: number): number {
  const i = countBelow(list.pos, bound) - 1;
  return i < 0 ? -1 : list.ops[i]!;
}

/** How many entries of an ascending array are below `bound`. */
export function countBelow(sorted: number[], bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** key -> written value -> position of the writing operation in the history. */
type WriterIndex = Map<string, Map<string, number>>;

function writerIndex(operations: Operation[]): WriterIndex {
  const index: WriterIndex = new Map();
  operations.forEach((operation, i) => {
    for (const { key, value } of operation.writes) {
      if (value === null) continue;
      let values = index.get(key);
      if (values === undefined) index.set(key, (values = new Map()));
      values.set(value, i);
    }
  });
  return index;
}

/** Whether some read observed each operation (by position). */
function observedWriters(operations: Operation[], writers: WriterIndex): Uint8Array {
  const observed = new Uint8Array(operations.length);
  for (const operation of operations)
    for (const { key, value } of operation.reads) {
      const writer = value === null ? undefined : writers.get(key)?.get(value);
      if (writer !== undefined) observed[writer] = 1;
    }
  return observed;
}
