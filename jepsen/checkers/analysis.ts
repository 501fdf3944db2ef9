import { processKey, type History, type KeyValue, type Operation, type OperationKind, type Process } from "../history.ts";

/** A read with the operation it read from; source is -1 for a null read (initial state or some delete). */
export interface SourcedRead extends KeyValue {
  source: number;
}

/**
 * An operation that took effect: ok operations, plus info writes that some read observed.
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
  private readonly byIndex = new Map<number, Op>();

  constructor(readonly history: History) {
    const writers = writerIndex(history.operations);
    const observed = observedWriters(history.operations, writers);
    const chainOf = new Map<string, number>();
    const opOf = new Map<Operation, Op>();
    for (const operation of history.operations) {
      if (!takesEffect(operation, observed)) continue;
      const op = this.addOp(operation, chainOf);
      opOf.set(operation, op);
    }
    for (const [operation, op] of opOf) this.resolveReads(op, operation.reads, writers, opOf);
  }

  get width(): number {
    return this.chains.length;
  }

  op(index: number): Op | undefined {
    return this.byIndex.get(index);
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
    if (list === undefined) return -1;
    const i = countBelow(list.pos, bound) - 1;
    return i < 0 ? -1 : list.ops[i]!;
  }

  /** Per process, the last write of `key` at a position below that process's entry in `bound`. */
  lastWritesBelow(key: string, bound: Int32Array): number[] {
    const writes: number[] = [];
    for (let chain = 0; chain < this.width; chain++) {
      const w = this.lastWriteBefore(key, chain, bound[chain]!);
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
      reads: [],
      writes: operation.writes,
      final: operation.final,
      acknowledged: operation.status === "ok",
    };
    this.ops.push(op);
    ops.push(op.id);
    this.byIndex.set(op.index, op);
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

  private resolveReads(op: Op, reads: KeyValue[], writers: WriterIndex, opOf: Map<Operation, Op>): void {
    for (const read of reads) {
      if (read.value === null) {
        op.reads.push({ ...read, source: -1 });
        continue;
      }
      const writer = writers.get(read.key)?.get(read.value);
      const source = writer === undefined ? undefined : opOf.get(writer);
      if (source !== undefined) op.reads.push({ ...read, source: source.id });
      else this.thinAir.push({ read: op.index, ...read, value: read.value, ...(writer ? { failedWrite: writer.index } : {}) });
    }
  }
}

function append(lists: (ChainWrites | undefined)[], op: Op): void {
  let list = lists[op.chain];
  if (list === undefined) lists[op.chain] = list = { pos: [], ops: [] };
  list.pos.push(op.pos);
  list.ops.push(op.id);
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

type WriterIndex = Map<string, Map<string, Operation>>;

function writerIndex(operations: Operation[]): WriterIndex {
  const index: WriterIndex = new Map();
  for (const operation of operations)
    for (const { key, value } of operation.writes) {
      if (value === null) continue;
      let values = index.get(key);
      if (values === undefined) index.set(key, (values = new Map()));
      values.set(value, operation);
    }
  return index;
}

function observedWriters(operations: Operation[], writers: WriterIndex): Set<Operation> {
  const observed = new Set<Operation>();
  for (const operation of operations)
    for (const { key, value } of operation.reads) {
      const writer = value === null ? undefined : writers.get(key)?.get(value);
      if (writer !== undefined) observed.add(writer);
    }
  return observed;
}

/** Ok operations take effect; of the info ones, only writes that someone read certainly did. */
function takesEffect(operation: Operation, observed: Set<Operation>): boolean {
  if (operation.status === "ok") return true;
  return operation.status === "info" && observed.has(operation);
}
