import type { Analysis } from "./analysis.ts";
import type { AnomalySink, AnomalyType } from "./anomalies.ts";
import { Clocks } from "./clocks.ts";
import type { Graph, Link } from "./graph.ts";
import { nullReadRuledOut } from "./null-reads.ts";
import { shortestPath, toSteps, type Step, type Successors } from "./paths.ts";
import { RankQueue } from "./rank-queue.ts";
import { rotateToEarliest } from "./witnesses.ts";

/** The patterns causal memory (CM) adds to CC, Bouajjani et al. 2017, Section 4. */
export const CM_PATTERNS: readonly AnomalyType[] = ["CyclicHB", "WriteHBInitRead"];

export interface CausalMemoryInput {
  co: Clocks;
  graph: Graph;
  /** Topological order of po ∪ wr. */
  order: Int32Array;
  /** Most vector joins spent on one process's view before giving up. */
  workLimit: number;
}

/**
 * For each process p, happens-before hb_p is the least transitive relation
 * containing causal order and closed under: if p reads x from w2 at r, and
 * w1 (another write of x) is hb_p-before r, then w1 is hb_p-before w2.
 * Since hb only grows along p's operations, the view after p's last operation
 * covers all of p's. It is saturated with a worklist over vector clocks.
 * Returns false when some view exceeded the work limit (verdict unknown).
 * Expects an acyclic causal order (run after CC found nothing).
 */
export function checkCausalMemory(input: CausalMemoryInput, sink: AnomalySink): boolean {
  const { co } = input;
  const rank = new Int32Array(co.analysis.size);
  input.order.forEach((op, i) => (rank[op] = i));
  const hb = new Clocks(co.analysis, co.rows.slice());
  let complete = true;
  for (let chain = 0; chain < co.analysis.width; chain++) {
    const view = new ProcessView(input, hb, rank, chain);
    const outcome = view.saturate();
    if (outcome === "exhausted") complete = false;
    else if (outcome === "saturated") view.checkNullReads(sink);
    else sink.report("CyclicHB", () => view.cycleWitness(outcome));
    view.restore();
  }
  return complete;
}

class ProcessView {
  private readonly analysis: Analysis;
  private readonly induced = new Map<number, Link[]>();
  private readonly touched: number[] = [];
  private readonly isTouched: Uint8Array;
  private readonly queue: RankQueue;
  private readonly last: number;
  /** The causal vector of p's last operation: the view is restricted to what it has seen. */
  private readonly lastRow: Int32Array;
  private readonly overwriters: Int32Array;
  private work = 0;

  constructor(
    private readonly input: CausalMemoryInput,
    private readonly hb: Clocks,
    rank: Int32Array,
    private readonly chain: number,
  ) {
    this.analysis = hb.analysis;
    this.isTouched = new Uint8Array(this.analysis.size);
    this.queue = new RankQueue(rank, input.order);
    this.last = this.analysis.lastOfChain(chain);
    this.lastRow = input.co.row(this.last);
    this.overwriters = new Int32Array(this.analysis.width);
  }

  /** "saturated", "exhausted" (work limit), or the link that closed a cycle. */
  saturate(): "saturated" | "exhausted" | Link {
    for (const op of this.analysis.chains[this.chain]!) this.enqueue(op);
    while (this.queue.size > 0) {
      const u = this.queue.pop();
      const closing = this.induceFrom(u) ?? this.propagateFrom(u);
      if (closing !== undefined) return closing;
      if (this.work > this.input.workLimit) return "exhausted";
    }
    return "saturated";
  }

  /** New hb edges into the writes p's read u read from. */
  private induceFrom(u: number): Link | undefined {
    const { analysis, overwriters } = this;
    if (analysis.chainOf[u] !== this.chain) return undefined;
    for (let slot = analysis.readStart[u]!; slot < analysis.readStart[u + 1]!; slot++) {
      const source = analysis.readSource[slot]!;
      if (source < 0) continue;
      const count = analysis.lastWritesBelowInto(analysis.readKey[slot]!, this.hb.row(u), overwriters);
      for (let i = 0; i < count; i++) {
        const w = overwriters[i]!;
        if (w === source || this.hb.seen(w, source)) continue;
        const link: Link = { rel: "hb", from: w, to: source, via: u };
        const list = this.induced.get(w);
        if (list === undefined) this.induced.set(w, [link]);
        else list.push(link);
        if (this.push(w, source)) return link;
      }
    }
    return undefined;
  }

  /** Pushes u's vector to its successors in the view (allocation-free: this is the hot loop). */
  private propagateFrom(u: number): Link | undefined {
    const { graph } = this.input;
    const next = graph.poNext(u);
    if (next >= 0 && this.push(u, next)) return { rel: "po", from: u, to: next, via: -1 };
    for (let slot = graph.firstSlot(u), last = graph.lastSlot(u); slot < last; slot++) {
      const v = graph.targetAt(slot);
      if (this.push(u, v)) return { rel: "wr", from: u, to: v, via: -1 };
    }
    const induced = this.induced.get(u);
    if (induced !== undefined) for (const link of induced) if (this.push(u, link.to)) return link;
    return undefined;
  }

  /** Joins u's vector into v's; true when u -> v closes a cycle (v is already before u). */
  private push(u: number, v: number): boolean {
    const { chainOf, posOf } = this.analysis;
    if (this.lastRow[chainOf[v]!]! <= posOf[v]!) return false;
    if (this.hb.seen(v, u)) return true;
    this.work++;
    if (!this.hb.joinInto(v, u)) return false;
    if (!this.isTouched[v]) {
      this.isTouched[v] = 1;
      this.touched.push(v);
    }
    this.enqueue(v);
    return false;
  }

  private enqueue(op: number): void {
    if (!this.queue.has(op)) this.queue.push(op);
  }

  private readonly successors: Successors = (u, visit) => {
    this.input.graph.forEachSuccessor(u, visit);
    for (const link of this.induced.get(u) ?? []) visit(link);
  };

  checkNullReads(sink: AnomalySink): void {
    const { analysis } = this;
    for (const r of analysis.chains[this.chain]!)
      for (let slot = analysis.readStart[r]!; slot < analysis.readStart[r + 1]!; slot++) {
        if (analysis.readSource[slot]! >= 0) continue;
        const key = analysis.readKey[slot]!;
        const latest = nullReadRuledOut(this.hb, r, key, analysis.lastWritesBelow(key, this.hb.row(r)));
        if (latest === undefined) continue;
        sink.report("WriteHBInitRead", () => ({
          type: "WriteHBInitRead",
          process: analysis.processes[this.chain]!,
          read: analysis.index(r),
          key: analysis.keyNames[key]!,
          saw: null,
          expected: analysis.index(latest[0]!),
          because: this.explain(latest[0]!, r, true),
        }));
      }
  }

  cycleWitness(closing: Link) {
    const path = this.pathWithin(closing.to, closing.from, closing.from) ?? [];
    return {
      type: "CyclicHB" as const,
      process: this.analysis.processes[this.chain]!,
      cycle: rotateToEarliest(toSteps(this.analysis, [...path, closing], (link) => this.hbReason(link))),
    };
  }

  /** Why x is hb-before y; hb links get their own reasons one level deep. */
  private explain(x: number, y: number, nested: boolean, excluded?: Link): Step[] {
    const links = x === y ? [] : (this.pathWithin(x, y, y, excluded) ?? []);
    return toSteps(this.analysis, links, nested ? (link) => this.hbReason(link) : undefined);
  }

  /** An hb link's reason never uses the link itself. */
  private hbReason(link: Link): Step[] | undefined {
    return link.rel === "hb" ? this.explain(link.from, link.via, false, link) : undefined;
  }

  /** A path from x to y through ops hb-before `bound`, avoiding one link. */
  private pathWithin(x: number, y: number, bound: number, excluded?: Link): Link[] | undefined {
    const successors: Successors = (u, visit) =>
      this.successors(u, (link) => {
        if (excluded === undefined || link.from !== excluded.from || link.to !== excluded.to) visit(link);
      });
    return shortestPath(x, y, successors, (u) => this.hb.seen(u, bound));
  }

  /** Restores the shared vectors to causal order for the next process (all at once when most changed). */
  restore(): void {
    const { rows } = this.input.co;
    const w = this.hb.width;
    if (this.touched.length * 2 > this.analysis.size) this.hb.rows.set(rows);
    else for (const op of this.touched) for (let i = op * w; i < (op + 1) * w; i++) this.hb.rows[i] = rows[i]!;
  }
}
