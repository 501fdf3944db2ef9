/** A binary min-heap of ids ordered by a fixed priority per id. */
export class MinHeap {
  private readonly items: number[] = [];

  constructor(private readonly priority: Int32Array) {}

  get size(): number {
    return this.items.length;
  }

  push(id: number): void {
    const { items, priority } = this;
    let i = items.length;
    items.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (priority[items[parent]!]! <= priority[id]!) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = id;
  }

  pop(): number {
    const { items, priority } = this;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && priority[items[right]!]! < priority[items[left]!]! ? right : left;
      if (priority[items[child]!]! >= priority[last]!) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
