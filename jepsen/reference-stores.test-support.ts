import type { HistoryEvent, Json, Process } from "./history.ts";

/**
 * Small in-memory stores that produce histories with known guarantees, to
 * test the checkers (and to feed the benchmark). Operations are instantaneous
 * in the causal stores; the sequential store interleaves invocations.
 */

export interface Workload {
  processes: number;
  keys: number;
  operations: number;
  /** Deliver everything, mark quiescence, then read every written key from every process. */
  quiesce?: boolean;
}

export type Random = () => number;

/** Deterministic generator (mulberry32). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Action =
  | { f: "read"; keys: string[] }
  | { f: "write"; key: string; value: Json }
  | { f: "delete"; key: string }
  | { f: "batch"; pairs: [string, Json][] };

/** A realistic mix: mostly reads, some writes, few deletes and batches. */
class ActionSource {
  private counter = 0;

  constructor(
    private readonly random: Random,
    private readonly keyCount: number,
  ) {}

  next(process: number): Action {
    const roll = this.random();
    if (roll < 0.5) return { f: "read", keys: [this.key()] };
    if (roll < 0.55) return { f: "read", keys: this.distinctKeys(2) };
    if (roll < 0.85) return { f: "write", key: this.key(), value: this.fresh(process) };
    if (roll < 0.9) return { f: "delete", key: this.key() };
    return { f: "batch", pairs: this.distinctKeys(2 + Math.floor(this.random() * 2)).map((key) => [key, this.random() < 0.2 ? null : this.fresh(process)]) };
  }

  key(): string {
    return `k${Math.floor(this.random() * this.keyCount)}`;
  }

  private distinctKeys(count: number): string[] {
    const keys = new Set<string>();
    while (keys.size < Math.min(count, this.keyCount)) keys.add(this.key());
    return [...keys];
  }

  private fresh(process: number): string {
    return `v${process}.${this.counter++}`;
  }
}

class EventLog {
  readonly events: HistoryEvent[] = [];

  add(event: Omit<HistoryEvent, "index">): void {
    this.events.push({ index: this.events.length, ...event });
  }

  /** An operation completed at once: invoke then ok. */
  instant(process: Process, action: Action, reads: [string, Json][]): void {
    this.add(invokeOf(process, action));
    this.add(completionOf(process, action, reads));
  }

  finalReads(processes: number, keys: Iterable<string>, read: (process: number, key: string) => Json): void {
    this.add({ process: "nemesis", type: "info", f: "quiesce" });
    for (const key of keys) for (let p = 0; p < processes; p++) this.instant(p, { f: "read", keys: [key] }, [[key, read(p, key)]]);
  }
}

function invokeOf(process: Process, action: Action): Omit<HistoryEvent, "index"> {
  switch (action.f) {
    case "read":
      return action.keys.length === 1
        ? { process, type: "invoke", f: "read", key: action.keys[0]! }
        : { process, type: "invoke", f: "read", value: action.keys.map((key) => [key, null]) };
    case "write":
      return { process, type: "invoke", f: "write", key: action.key, value: action.value };
    case "delete":
      return { process, type: "invoke", f: "delete", key: action.key };
    case "batch":
      return { process, type: "invoke", f: "batch", value: action.pairs };
  }
}

function completionOf(process: Process, action: Action, reads: [string, Json][]): Omit<HistoryEvent, "index"> {
  const invoke = invokeOf(process, action);
  if (action.f !== "read") return { ...invoke, type: "ok" };
  return reads.length === 1 ? { ...invoke, type: "ok", value: reads[0]![1] } : { ...invoke, type: "ok", value: reads };
}

function writesOf(action: Action): [string, Json][] {
  if (action.f === "write") return [[action.key, action.value]];
  if (action.f === "delete") return [[action.key, null]];
  if (action.f === "batch") return action.pairs;
  return [];
}

interface Message {
  sender: number;
  deps: Int32Array;
  writes: [string, Json][];
  stamp: number;
}

interface Replica {
  values: Map<string, { value: Json; stamp: number; sender: number }>;
  clock: Int32Array;
  lamport: number;
  inbox: Message[][];
  heads: number[];
}

/**
 * Causally consistent store: each process has a replica; writes apply locally
 * and are broadcast, delivered in causal order at random times, sometimes
 * notifying a subscriber process of the replica. With
 * "delivery" each replica applies writes in its delivery order (causal memory);
 * with "lww" the highest Lamport stamp wins (causal convergence).
 */
export function causalStoreHistory(random: Random, workload: Workload, arbitration: "delivery" | "lww"): HistoryEvent[] {
  const { processes } = workload;
  const replicas: Replica[] = Array.from({ length: processes }, () => ({
    values: new Map(),
    clock: new Int32Array(processes),
    lamport: 0,
    inbox: Array.from({ length: processes }, () => []),
    heads: new Array<number>(processes).fill(0),
  }));
  const log = new EventLog();
  const actions = new ActionSource(random, workload.keys);
  const written = new Set<string>();
  const read = (p: number, key: string): Json => replicas[p]!.values.get(key)?.value ?? null;
  const apply = (replica: Replica, message: Message): void => {
    replica.lamport = Math.max(replica.lamport, message.stamp);
    for (const [key, value] of message.writes) {
      const current = replica.values.get(key);
      const newer = current === undefined || message.stamp > current.stamp || (message.stamp === current.stamp && message.sender > current.sender);
      if (arbitration === "delivery" || newer) replica.values.set(key, { value, stamp: message.stamp, sender: message.sender });
    }
  };
  const deliverHead = (q: number, s: number): boolean => {
    const replica = replicas[q]!;
    const message = replica.inbox[s]![replica.heads[s]!];
    if (message === undefined || !deliverable(replica.clock, message)) return false;
    replica.heads[s]!++;
    replica.clock[s]!++;
    apply(replica, message);
    const [key] = message.writes[0]!;
    if (random() < 0.02) log.add({ process: `sub${q}`, type: "ok", f: "notify", key, value: read(q, key) });
    return true;
  };
  const drain = (): void => {
    for (let progress = true; progress; ) {
      progress = false;
      for (let q = 0; q < processes; q++) for (let s = 0; s < processes; s++) while (deliverHead(q, s)) progress = true;
    }
  };
  for (let i = 0; i < workload.operations; i++) {
    const p = Math.floor(random() * processes);
    const replica = replicas[p]!;
    const action = actions.next(p);
    const writes = writesOf(action);
    if (writes.length > 0) {
      replica.clock[p]!++;
      const message: Message = { sender: p, deps: replica.clock.slice(), writes, stamp: ++replica.lamport };
      apply(replica, message);
      for (let q = 0; q < processes; q++) if (q !== p) replicas[q]!.inbox[p]!.push(message);
      for (const [key] of writes) written.add(key);
    }
    log.instant(p, action, action.f === "read" ? action.keys.map((key) => [key, read(p, key)]) : []);
    for (let d = 0; d < processes; d++) deliverHead(Math.floor(random() * processes), Math.floor(random() * processes));
  }
  if (workload.quiesce) {
    drain();
    log.finalReads(processes, written, read);
  }
  return log.events;
}

function deliverable(clock: Int32Array, message: Message): boolean {
  for (let k = 0; k < clock.length; k++)
    if (k === message.sender ? message.deps[k] !== clock[k]! + 1 : message.deps[k]! > clock[k]!) return false;
  return true;
}

/** Sequentially consistent (linearizable) store: one global state, invocations interleaved, effects at completion. */
export function sequentialStoreHistory(random: Random, workload: Workload): HistoryEvent[] {
  const state = new Map<string, Json>();
  const log = new EventLog();
  const actions = new ActionSource(random, workload.keys);
  const pending = new Map<number, Action>();
  const complete = (p: number): void => {
    const action = pending.get(p)!;
    pending.delete(p);
    for (const [key, value] of writesOf(action)) state.set(key, value);
    const reads: [string, Json][] = action.f === "read" ? action.keys.map((key) => [key, state.get(key) ?? null]) : [];
    log.add(completionOf(p, action, reads));
  };
  for (let i = 0; i < workload.operations; i++) {
    const p = Math.floor(random() * workload.processes);
    if (pending.has(p)) complete(p);
    const action = actions.next(p);
    pending.set(p, action);
    log.add(invokeOf(p, action));
  }
  for (const p of [...pending.keys()]) complete(p);
  if (workload.quiesce) log.finalReads(workload.processes, state.keys(), (_, key) => state.get(key) ?? null);
  return log.events;
}
