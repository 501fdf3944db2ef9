import type { Clocks } from "./clocks.ts";

/**
 * A read of null is not differentiated: it may come from the initial state or
 * from any delete. These helpers decide, under an order, whether some such
 * source survives the writes the read must see.
 */

/**
 * Whether a delete of `key` exists that is not ordered before `bound` (a vector
 * joining the overwriting writes) and not ordered after `read`. Per process,
 * the first delete at or past the bound is the one least likely to follow the read.
 */
export function someDeleteExplains(order: Clocks, read: number, key: number, bound: Int32Array): boolean {
  const { deletes } = order.analysis;
  for (let g = deletes.firstGroup(key), end = deletes.endGroup(key); g < end; g++) {
    const first = deletes.entryFrom(g, bound[deletes.chainOf(g)]!);
    if (first < deletes.endEntry(g) && !order.seen(read, deletes.item[first]!)) return true;
  }
  return false;
}

/**
 * For a null read of `key` that must see `overwriters` (writes of that key):
 * the latest of them when they rule out the initial state and every delete,
 * or undefined when some null source remains possible.
 */
export function nullReadRuledOut(
  order: Clocks,
  read: number,
  key: number,
  overwriters: readonly number[],
): number[] | undefined {
  const latest = overwriters.filter((w) => !overwriters.some((other) => order.before(w, other)));
  if (latest.length === 0 || latest.some((w) => order.analysis.isDelete(w, key))) return undefined;
  return someDeleteExplains(order, read, key, order.joinOf(latest)) ? undefined : latest;
}
