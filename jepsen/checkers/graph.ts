import type { Analysis } from "./analysis.ts";
import { GrowableInt32Array } from "./growable.ts";

export type Relation = "po" | "wr" | "cf" | "hb";
const RELATIONS: readonly Relation[] = ["po", "wr", "cf", "hb"];

/** One ordering fact between op ids; `via` is the read that justifies a cf or hb edge, else -1. */
export interface Link {
  rel: Relation;
  from: number;
  to: number;
  via: number;
}

/** Links of one relation kept in typed arrays, in the order added. */
export class LinkList {
  readonly from: GrowableInt32Array;
  readonly to: GrowableInt32Array;
  readonly via: GrowableInt32Array;

  constructor(
    readonly rel: Relation,
    capacity?: number,
  ) {
    this.from = new GrowableInt32Array(capacity);
    this.to = new GrowableInt32Array(capacity);
    this.via = new GrowableInt32Array(capacity);
  }

  push(from: number, to: number, via: number): void {
    this.from.push(from);
    this.to.push(to);
    this.via.push(via);
  }
}

/** Program order (implicit, along each chain) plus explicit edges, in compressed adjacency form. */
export class Graph {
  private readonly start: Int32Array;
  private readonly target: Int32Array;
  private readonly edgeRel: Uint8Array;
  private readonly edgeVia: Int32Array;

  /** The edges of each op keep the order of `lists`, then the order within each list. */
  constructor(
    readonly analysis: Analysis,
    lists: readonly LinkList[],
  ) {
    const n = analysis.size;
    const total = lists.reduce((sum, list) => sum + list.from.length, 0);
    this.start = new Int32Array(n + 1);
    for (const list of lists) for (const from of list.from.view()) this.start[from + 1]!++;
    for (let i = 0; i < n; i++) this.start[i + 1]! += this.start[i]!;
    const fill = this.start.slice(0, n);
    this.target = new Int32Array(total);
    this.edgeVia = new Int32Array(total);
    this.edgeRel = new Uint8Array(total);
    for (const list of lists)
      for (let i = 0; i < list.from.length; i++) {
        const slot = fill[list.from.at(i)]!++;
        this.target[slot] = list.to.at(i);
        this.edgeVia[slot] = list.via.at(i);
        this.edgeRel[slot] = RELATIONS.indexOf(list.rel);
      }
  }

  get size(): number {
    return this.analysis.size;
  }

  /** The next op of the same process, or -1. */
  poNext(u: number): number {
    const { chainOf, posOf, chains } = this.analysis;
    return chains[chainOf[u]!]![posOf[u]! + 1] ?? -1;
  }

  forEachSuccessor(u: number, visit: (link: Link) => void): void {
    const next = this.poNext(u);
    if (next >= 0) visit({ rel: "po", from: u, to: next, via: -1 });
    for (let slot = this.start[u]!; slot < this.start[u + 1]!; slot++)
      visit({ rel: RELATIONS[this.edgeRel[slot]!]!, from: u, to: this.target[slot]!, via: this.edgeVia[slot]! });
  }

  /** Explicit successors only (no program order), as op ids. */
  explicitSuccessors(u: number): Int32Array {
    return this.target.subarray(this.start[u]!, this.start[u + 1]!);
  }

  /** Allocation-free access to explicit successors: slots first..last-1 of `targetAt`. */
  firstSlot(u: number): number {
    return this.start[u]!;
  }

  lastSlot(u: number): number {
    return this.start[u + 1]!;
  }

  targetAt(slot: number): number {
    return this.target[slot]!;
  }

  /** Kahn's algorithm; undefined when the graph has a cycle. */
  topologicalOrder(): Int32Array | undefined {
    const n = this.size;
    const indegree = new Int32Array(n);
    for (let u = 0; u < n; u++) {
      if (this.analysis.posOf[u]! > 0) indegree[u]!++;
      for (const v of this.explicitSuccessors(u)) indegree[v]!++;
    }
    const order = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (let u = 0; u < n; u++) if (indegree[u] === 0) order[tail++] = u;
    const release = (v: number): void => {
      if (--indegree[v]! === 0) order[tail++] = v;
    };
    while (head < tail) {
      const u = order[head++]!;
      const next = this.poNext(u);
      if (next >= 0) release(next);
      for (const v of this.explicitSuccessors(u)) release(v);
    }
    return tail === n ? order : undefined;
  }

  /** Strongly connected components with more than one op (iterative Tarjan). */
  cyclicComponents(): number[][] {
    return new Tarjan(this).components.filter((component) => component.length > 1);
  }
}

class Tarjan {
  readonly components: number[][] = [];
  private readonly index: Int32Array;
  private readonly low: Int32Array;
  private readonly onStack: Uint8Array;
  private readonly stack: number[] = [];
  private counter = 0;

  constructor(private readonly graph: Graph) {
    const n = graph.size;
    this.index = new Int32Array(n).fill(-1);
    this.low = new Int32Array(n);
    this.onStack = new Uint8Array(n);
    for (let u = 0; u < n; u++) if (this.index[u] === -1) this.visitFrom(u);
  }

  private successors(u: number): number[] {
    const next = this.graph.poNext(u);
    const explicit = Array.from(this.graph.explicitSuccessors(u));
    return next >= 0 ? [next, ...explicit] : explicit;
  }

  private visitFrom(root: number): void {
    const frames: { u: number; successors: number[]; i: number }[] = [];
    const enter = (u: number): void => {
      this.index[u] = this.low[u] = this.counter++;
      this.stack.push(u);
      this.onStack[u] = 1;
      frames.push({ u, successors: this.successors(u), i: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.i < frame.successors.length) {
        const v = frame.successors[frame.i++]!;
        if (this.index[v] === -1) enter(v);
        else if (this.onStack[v]) this.low[frame.u] = Math.min(this.low[frame.u]!, this.index[v]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) this.low[parent.u] = Math.min(this.low[parent.u]!, this.low[frame.u]!);
      if (this.low[frame.u] === this.index[frame.u]) this.popComponent(frame.u);
    }
  }

  private popComponent(root: number): void {
    const component: number[] = [];
    let v: number;
    do {
      v = this.stack.pop()!;
      this.onStack[v] = 0;
      component.push(v);
    } while (v !== root);
    this.components.push(component);
  }
}
