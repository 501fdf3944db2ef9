import { GrowableInt32Array } from "./growable.ts";

/** Entries to index, appended in op order (so ascending position within each chain); `item` is what an entry stands for. */
export class IndexEntries {
  readonly key: GrowableInt32Array;
  readonly chain: GrowableInt32Array;
  readonly pos: GrowableInt32Array;
  readonly item: GrowableInt32Array;

  constructor(capacity?: number) {
    this.key = new GrowableInt32Array(capacity);
    this.chain = new GrowableInt32Array(capacity);
    this.pos = new GrowableInt32Array(capacity);
    this.item = new GrowableInt32Array(capacity);
  }

  add(key: number, chain: number, pos: number, item: number): void {
    this.key.push(key);
    this.chain.push(chain);
    this.pos.push(pos);
    this.item.push(item);
  }
}

/**
 * Entries (at positions of their process's chain) grouped by key, then
 * by chain in ascending order, each group ascending by position. Entry
 * numbers are positions in this layout; a key's groups are numbered
 * `firstGroup(key)` up to (excluding) `endGroup(key)`.
 */
export class KeyChainIndex {
  readonly pos: Int32Array;
  readonly item: Int32Array;
  private readonly keyStart: Int32Array;
  private readonly groupChain: Int32Array;
  private readonly groupStart: Int32Array;

  constructor(keyCount: number, width: number, entries: IndexEntries) {
    const keys = entries.key.view();
    const chains = entries.chain.view();
    const added = new Int32Array(keys.length).map((_, i) => i);
    const order = stableOrder(stableOrder(added, chains, width), keys, keyCount);
    this.pos = order.map((i) => entries.pos.at(i));
    this.item = order.map((i) => entries.item.at(i));
    this.keyStart = new Int32Array(keyCount + 1);
    const groupChain = new GrowableInt32Array();
    const groupStart = new GrowableInt32Array();
    order.forEach((i, e) => {
      const previous = e === 0 ? -1 : order[e - 1]!;
      if (previous >= 0 && keys[previous] === keys[i] && chains[previous] === chains[i]) return;
      groupChain.push(chains[i]!);
      groupStart.push(e);
      this.keyStart[keys[i]! + 1] = groupChain.length;
    });
    groupStart.push(order.length);
    for (let k = 0; k < keyCount; k++) this.keyStart[k + 1] = Math.max(this.keyStart[k + 1]!, this.keyStart[k]!);
    this.groupChain = groupChain.view().slice();
    this.groupStart = groupStart.view().slice();
  }

  get groupCount(): number {
    return this.groupChain.length;
  }

  firstGroup(key: number): number {
    return this.keyStart[key]!;
  }

  endGroup(key: number): number {
    return this.keyStart[key + 1]!;
  }

  chainOf(group: number): number {
    return this.groupChain[group]!;
  }

  /** The group of `key` in `chain`, or -1. */
  group(key: number, chain: number): number {
    let lo = this.keyStart[key]!;
    let hi = this.keyStart[key + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.groupChain[mid]! < chain) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.keyStart[key + 1]! && this.groupChain[lo] === chain ? lo : -1;
  }

  firstEntry(group: number): number {
    return this.groupStart[group]!;
  }

  endEntry(group: number): number {
    return this.groupStart[group + 1]!;
  }

  groupOfEntry(entry: number): number {
    let lo = 0;
    let hi = this.groupChain.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.groupStart[mid + 1]! <= entry) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first entry of a group at a position of at least `bound` (the group's end if none). */
  entryFrom(group: number, bound: number): number {
    let lo = this.groupStart[group]!;
    let hi = this.groupStart[group + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pos[mid]! < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The item of the last entry of a group at a position below `bound`, or -1. */
  lastItemBelow(group: number, bound: number): number {
    const e = this.entryFrom(group, bound) - 1;
    return e < this.groupStart[group]! ? -1 : this.item[e]!;
  }
}

/** The items of `items` stably sorted by `bucketOf[item]` (counting sort over `buckets` values). */
function stableOrder(items: Int32Array, bucketOf: Int32Array, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (const item of items) start[bucketOf[item]! + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  const sorted = new Int32Array(items.length);
  for (const item of items) sorted[start[bucketOf[item]!]!++] = item;
  return sorted;
}
