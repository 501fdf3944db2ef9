/**
 * The state of one manifest as derived from its log: a checkpoint (or folded
 * prefix) plus the entries of the unsettled window.
 *
 * Each key takes the pointer of the greatest entry (in `compareOrder`) that
 * writes it. That rule is commutative, so the derived state is a function of
 * the *set* of entries seen, whatever order they arrived in; it equals a replay
 * in ascending order. Entries at or below the watermark are folded into a
 * plain map and dropped: every valid entry that old has been seen, so none
 * can come later and the window can forget them.
 */
import type { Checkpoint, Entry, Pointer } from "./entry-codec.ts";
import { compareOrder, orderId, type Order } from "./order.ts";

interface Slot {
  /** Undefined for a folded slot: it is older than every window entry. */
  order: Order | undefined;
  pointer: Pointer | null;
}

export const NOTHING_FOLDED = -1;

export class ManifestState {
  private folded = new Map<string, Pointer>();
  private window = new Map<string, Entry>();
  private view = new Map<string, Slot>();
  private watermarkTs = NOTHING_FOLDED;
  private maxSeenTs = NOTHING_FOLDED;
  private foldedSinceCheckpoint = 0;

  /** Every valid entry with ts <= watermark is folded in. */
  get watermark(): number {
    return this.watermarkTs;
  }

  /** The highest timestamp seen, for the writer's Lamport bump. */
  get maxTs(): number {
    return this.maxSeenTs;
  }

  get windowSize(): number {
    return this.window.size;
  }

  get entriesFoldedSinceCheckpoint(): number {
    return this.foldedSinceCheckpoint;
  }

  knows(order: Order): boolean {
    return order.ts <= this.watermarkTs || this.window.has(orderId(order));
  }

  pointer(key: string): Pointer | undefined {
    return this.view.get(key)?.pointer ?? undefined;
  }

  /**
   * The pointer of `key` as derived from the entries ordered before `bound`
   * only (folded entries always count).
   */
  pointerBefore(key: string, bound: Order): Pointer | undefined {
    const slot = this.view.get(key);
    if (!slot?.order || compareOrder(slot.order, bound) < 0) return slot?.pointer ?? undefined;
    let best: Entry | undefined;
    let pointer: Pointer | null | undefined = this.folded.get(key);
    for (const entry of this.window.values()) {
      if (compareOrder(entry, bound) >= 0 || (best && compareOrder(entry, best) < 0)) continue;
      const op = entry.ops.find(([written]) => written === key);
      if (op) [best, pointer] = [entry, op[1]];
    }
    return pointer ?? undefined;
  }

  /** The keys written by window entries ordered after `bound`. */
  keysAfter(bound: Order): Set<string> {
    const keys = new Set<string>();
    for (const entry of this.window.values()) if (compareOrder(entry, bound) > 0) for (const [key] of entry.ops) keys.add(key);
    return keys;
  }

  *entries(): IterableIterator<[string, Pointer]> {
    for (const [key, slot] of this.view) if (slot.pointer !== null) yield [key, slot.pointer];
  }

  /** Adds an entry; returns the keys whose pointer changed. */
  apply(entry: Entry): string[] {
    this.maxSeenTs = Math.max(this.maxSeenTs, entry.ts);
    if (this.knows(entry)) return [];
    this.window.set(orderId(entry), entry);
    return this.overlay(entry);
  }

  /** Replaces everything at or below the checkpoint's ts by its state. */
  loadCheckpoint(checkpoint: Checkpoint): string[] {
    if (checkpoint.ts <= this.watermarkTs) return [];
    const before = new Map(this.view);
    this.folded = new Map(checkpoint.state);
    this.watermarkTs = checkpoint.ts;
    this.maxSeenTs = Math.max(this.maxSeenTs, checkpoint.ts);
    this.foldedSinceCheckpoint = 0;
    for (const [id, entry] of this.window) if (entry.ts <= checkpoint.ts) this.window.delete(id);
    this.rebuildView();
    return changedKeys(before, this.view);
  }

  /** Folds every window entry with ts <= upTo; the view does not change. */
  fold(upTo: number): void {
    if (upTo <= this.watermarkTs) return;
    const settled = [...this.window.values()].filter((entry) => entry.ts <= upTo).sort(compareOrder);
    for (const entry of settled) {
      for (const [key, pointer] of entry.ops) {
        if (pointer === null) this.folded.delete(key);
        else this.folded.set(key, pointer);
        this.settleSlot(key, entry);
      }
      this.window.delete(orderId(entry));
    }
    this.foldedSinceCheckpoint += settled.length;
    this.watermarkTs = upTo;
  }

  /** A settled slot needs no order any more, and a settled tombstone no slot. */
  private settleSlot(key: string, entry: Entry): void {
    const slot = this.view.get(key);
    if (!slot?.order || compareOrder(slot.order, entry) !== 0) return;
    if (slot.pointer === null) this.view.delete(key);
    else slot.order = undefined;
  }

  /** The state as of the watermark, to be written as a checkpoint. */
  checkpoint(): Checkpoint {
    return { ts: this.watermarkTs, state: [...this.folded] };
  }

  checkpointWritten(): void {
    this.foldedSinceCheckpoint = 0;
  }

  private overlay(entry: Entry): string[] {
    const changed: string[] = [];
    for (const [key, pointer] of entry.ops) {
      const slot = this.view.get(key);
      if (slot?.order && compareOrder(slot.order, entry) > 0) continue;
      this.view.set(key, { order: { ts: entry.ts, session: entry.session, seq: entry.seq }, pointer });
      changed.push(key);
    }
    return changed;
  }

  private rebuildView(): void {
    this.view = new Map();
    for (const [key, pointer] of this.folded) this.view.set(key, { order: undefined, pointer });
    for (const entry of this.window.values()) this.overlay(entry);
  }
}

function changedKeys(before: Map<string, Slot>, after: Map<string, Slot>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => {
    const a = before.get(key)?.pointer ?? null;
    const b = after.get(key)?.pointer ?? null;
    return JSON.stringify(a) !== JSON.stringify(b);
  });
}
