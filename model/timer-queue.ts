/** A timer waiting in a `TimerQueue`; also the handle callers cancel with. */
export interface QueuedTimer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
  state: "pending" | "cancelled" | "fired";
}

/** Timers in firing order: earliest `at` first, ties in scheduling order. */
export class TimerQueue {
  #heap: QueuedTimer[] = [];
  #nextSeq = 0;
  #live = 0;

  get size(): number {
    return this.#live;
  }

  add(at: number, fire: () => void): QueuedTimer {
    const timer: QueuedTimer = { at, seq: this.#nextSeq++, fire, state: "pending" };
    this.#heap.push(timer);
    this.#siftUp(this.#heap.length - 1);
    this.#live++;
    return timer;
  }

  cancel(timer: QueuedTimer): void {
    if (timer.state !== "pending") return;
    timer.state = "cancelled";
    this.#live--;
  }

  /** The next live timer, without removing it. */
  peek(): QueuedTimer | undefined {
    this.#dropCancelledHead();
    return this.#heap[0];
  }

  pop(): QueuedTimer | undefined {
    this.#dropCancelledHead();
    const head = this.#removeHead();
    if (head) {
      head.state = "fired";
      this.#live--;
    }
    return head;
  }

  #dropCancelledHead(): void {
    while (this.#heap[0]?.state === "cancelled") this.#removeHead();
  }

  #removeHead(): QueuedTimer | undefined {
    const head = this.#heap[0];
    const last = this.#heap.pop();
    if (head && last && head !== last) {
      this.#heap[0] = last;
      this.#siftDown(0);
    }
    return head;
  }

  #siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.#before(child, parent)) return;
      this.#swap(child, parent);
      child = parent;
    }
  }

  #siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let first = parent;
      if (left < this.#heap.length && this.#before(left, first)) first = left;
      if (right < this.#heap.length && this.#before(right, first)) first = right;
      if (first === parent) return;
      this.#swap(parent, first);
      parent = first;
    }
  }

  #before(i: number, j: number): boolean {
    const a = this.#heap[i]!;
    const b = this.#heap[j]!;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i]!;
    this.#heap[i] = this.#heap[j]!;
    this.#heap[j] = a;
  }
}
