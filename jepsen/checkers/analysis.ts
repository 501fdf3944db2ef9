import type { History, KeyValue, Operation, OperationKind, Process } from "../history.ts";
import { GrowableInt32Array } from "./growable.ts";
import { IndexEntries, KeyChainIndex } from "./key-chain-index.ts";

/** A read with the op it read from; source is -1 for a null read (initial state or some delete). */
export interface SourcedRead {
  key: string;
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

/** How a read of an operation resolved against the writes of the history. */
const NULL_READ = -1;
const NO_WRITER = -2;

/**
 * What every checker shares: the ops (numbered by id in history order),
 * processes as chains, read sources and per-key write indexes. Histories
 * reach millions of ops, so all of it is kept in typed arrays indexed by op
 * id, key id or read slot; `ops` gives objects for small histories.
 */
export class Analysis {
  readonly processes: Process[] = [];
  /** Op ids of each process, in program order. */
  readonly chains: number[][] = [];
  readonly thinAir: ThinAir[] = [];
  readonly chainOf: Int32Array;
  readonly posOf: Int32Array;
  readonly keyNames: string[] = [];
  /** The reads of op u are the slots readStart[u] to readStart[u + 1] - 1: the key read and its source op (-1: null). */
  readonly readStart: Int32Array;
  readonly readKey: Int32Array;
  readonly readSource: Int32Array;
  /** The writes of op u are the slots writeStart[u] to writeStart[u + 1] - 1: the key written and whether it is deleted. */
  readonly writeStart: Int32Array;
  readonly writeKey: Int32Array;
  readonly writeDeletes: Uint8Array;
  /** Writes and deletes per key and chain; items are op ids. */
  readonly writes: KeyChainIndex;
  readonly deletes: KeyChainIndex;
  /** How many keys some op writes. */
  readonly writtenKeys: number;
  private readonly keyIds = new Map<string, number>();
  /** Position in the history's operations of each op. */
  private readonly operationOf: Int32Array;
  private opObjects?: Op[];

  constructor(readonly history: History) {
    const { operations } = history;
    const readWriters = resolveWriters(operations);
    const opOf = effectiveOps(operations, readWriters);
    const n = opOf.reduce((count, id) => (id >= 0 ? count + 1 : count), 0);
    this.chainOf = new Int32Array(n);
    this.posOf = new Int32Array(n);
    this.operationOf = new Int32Array(n);
    this.readStart = new Int32Array(n + 1);
    this.writeStart = new Int32Array(n + 1);
    const chainIds = new Map<Process, number>();
    operations.forEach((operation, i) => {
      const id = opOf[i]!;
      if (id < 0) return;
      const chain = this.chainFor(operation.process, chainIds);
      this.chainOf[id] = chain;
      this.posOf[id] = this.chains[chain]!.length;
      this.chains[chain]!.push(id);
      this.operationOf[id] = i;
    });
    [this.readKey, this.readSource] = this.resolveReads(opOf, readWriters);
    const writeCount = operations.reduce((count, operation) => count + operation.writes.length, 0);
    const writeKey = new GrowableInt32Array(writeCount);
    const writeDeletes = new GrowableInt32Array(writeCount);
    const writes = new IndexEntries(writeCount);
    const deletes = new IndexEntries();
    for (let id = 0; id < n; id++) {
      for (const { key, value } of this.operation(id).writes) {
        const k = this.idFor(key);
        writeKey.push(k);
        writeDeletes.push(value === null ? 1 : 0);
        writes.add(k, this.chainOf[id]!, this.posOf[id]!, id);
        if (value === null) deletes.add(k, this.chainOf[id]!, this.posOf[id]!, id);
      }
      this.writeStart[id + 1] = writeKey.length;
    }
    this.writeKey = writeKey.view().slice();
    this.writeDeletes = Uint8Array.from(writeDeletes.view());
    this.writtenKeys = countDistinct(this.writeKey, this.keyNames.length);
    this.writes = new KeyChainIndex(this.keyNames.length, this.width, writes);
    this.deletes = new KeyChainIndex(this.keyNames.length, this.width, deletes);
  }

  get size(): number {
    return this.chainOf.length;
  }

  get width(): number {
    return this.chains.length;
  }

  /** The ops as objects, built on first use: for tests on small histories (the checkers use the typed arrays). */
  get ops(): readonly Op[] {
    return (this.opObjects ??= Array.from(this.chainOf, (_, id) => this.opObject(id)));
  }

  operation(id: number): Operation {
    return this.history.operations[this.operationOf[id]!]!;
  }

  /** History index of an op's invocation. */
  index(id: number): number {
    return this.operation(id).index;
  }

  process(id: number): Process {
    return this.processes[this.chainOf[id]!]!;
  }

  keyId(name: string): number | undefined {
    return this.keyIds.get(name);
  }

  /** The op invoked at a history index, or -1 (ops are in history order). */
  idOf(index: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.index(mid) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.size && this.index(lo) === index ? lo : -1;
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
  lastWriteBefore(key: number, chain: number, bound: number): number {
    const group = this.writes.group(key, chain);
    return group < 0 ? -1 : this.writes.lastItemBelow(group, bound);
  }

  /** Per process, the last write of `key` at a position below that process's entry in `bound`. */
  lastWritesBelow(key: number, bound: ArrayLike<number>): number[] {
    const found = new Int32Array(this.width);
    return Array.from(found.subarray(0, this.lastWritesBelowInto(key, bound, found)));
  }

  /** As lastWritesBelow, into `into` (of the chain count's length, reused across calls); returns how many were found. */
  lastWritesBelowInto(key: number, bound: ArrayLike<number>, into: Int32Array): number {
    const { writes } = this;
    let count = 0;
    for (let g = writes.firstGroup(key), end = writes.endGroup(key); g < end; g++) {
      const w = writes.lastItemBelow(g, bound[writes.chainOf(g)]!);
      if (w >= 0) into[count++] = w;
    }
    return count;
  }

  /** Whether op `id` deletes `key` (false when it writes a value or does not write the key). */
  isDelete(id: number, key: number): boolean {
    for (let slot = this.writeStart[id]!; slot < this.writeStart[id + 1]!; slot++)
      if (this.writeKey[slot] === key) return this.writeDeletes[slot] === 1;
    return false;
  }

  /** The value `op` wrote to `key`: a string, null for a delete, undefined if it did not write it. */
  written(op: Op, key: string): string | null | undefined {
    return op.writes.find((write) => write.key === key)?.value;
  }

  /** The reads of an op as objects (for witnesses and tests). */
  sourcedReads(id: number): SourcedRead[] {
    const reads: SourcedRead[] = [];
    for (let slot = this.readStart[id]!; slot < this.readStart[id + 1]!; slot++)
      reads.push({ key: this.keyNames[this.readKey[slot]!]!, source: this.readSource[slot]! });
    return reads;
  }

  private opObject(id: number): Op {
    const operation = this.operation(id);
    return {
      id,
      index: operation.index,
      process: operation.process,
      chain: this.chainOf[id]!,
      pos: this.posOf[id]!,
      kind: operation.f,
      reads: this.sourcedReads(id),
      writes: operation.writes,
      final: operation.final,
      acknowledged: operation.status === "ok",
    };
  }

  /** Chains are keyed by the process itself: Map keys tell 1 from "1". */
  private chainFor(process: Process, chainIds: Map<Process, number>): number {
    let chain = chainIds.get(process);
    if (chain === undefined) {
      chain = this.chains.length;
      chainIds.set(process, chain);
      this.chains.push([]);
      this.processes.push(process);
    }
    return chain;
  }

  private idFor(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyIds.set(key, id);
      this.keyNames.push(key);
    }
    return id;
  }

  /** Fills readStart; returns the key and source of each read slot. Reads of values no effective op wrote go to thinAir. */
  private resolveReads(opOf: Int32Array, readWriters: Int32Array): [Int32Array, Int32Array] {
    const { operations } = this.history;
    const keys = new GrowableInt32Array(readWriters.length);
    const sources = new GrowableInt32Array(readWriters.length);
    let slot = 0;
    operations.forEach((operation, i) => {
      const id = opOf[i]!;
      if (id < 0) {
        slot += operation.reads.length;
        return;
      }
      for (const { key, value } of operation.reads) {
        const writer = readWriters[slot++]!;
        const source = writer >= 0 ? opOf[writer]! : -1;
        if (writer === NULL_READ || source >= 0) {
          keys.push(this.idFor(key));
          sources.push(source);
        } else {
          const failed = writer === NO_WRITER ? {} : { failedWrite: operations[writer]!.index };
          this.thinAir.push({ read: operation.index, key, value: value!, ...failed });
        }
      }
      this.readStart[id + 1] = keys.length;
    });
    return [keys.view().slice(), sources.view().slice()];
  }
}

/** Per read of every operation, in order: the position of the operation that wrote its value, NULL_READ or NO_WRITER. */
function resolveWriters(operations: Operation[]): Int32Array {
  const writers = new Map<string, Map<string, number>>();
  operations.forEach((operation, i) => {
    for (const { key, value } of operation.writes) {
      if (value === null) continue;
      let values = writers.get(key);
      if (values === undefined) writers.set(key, (values = new Map()));
      values.set(value, i);
    }
  });
  const resolved = new GrowableInt32Array(operations.reduce((count, operation) => count + operation.reads.length, 0));
  for (const operation of operations)
    for (const { key, value } of operation.reads)
      resolved.push(value === null ? NULL_READ : (writers.get(key)?.get(value) ?? NO_WRITER));
  return resolved.view();
}

/**
 * Op id of each operation (by position), -1 when it took no effect. Ok
 * operations took effect; info ones may have when a read observed them or
 * when they delete a key.
 */
function effectiveOps(operations: Operation[], readWriters: Int32Array): Int32Array {
  const observed = new Uint8Array(operations.length);
  for (const writer of readWriters) if (writer >= 0) observed[writer] = 1;
  const opOf = new Int32Array(operations.length).fill(-1);
  let next = 0;
  operations.forEach((operation, i) => {
    const mayHaveTakenEffect = observed[i] === 1 || operation.writes.some((write) => write.value === null);
    if (operation.status === "ok" || (operation.status === "info" && mayHaveTakenEffect)) opOf[i] = next++;
  });
  return opOf;
}

function countDistinct(values: Int32Array, bound: number): number {
  const seen = new Uint8Array(bound);
  let count = 0;
  for (const value of values) if (!seen[value]) count += seen[value] = 1;
  return count;
}
