/**
 * A set of ids popped in increasing order of a fixed rank (distinct per id):
 * a bitset over ranks with summary levels above it (one bit per nonzero word
 * of the level below), so push and pop touch a few words.
 */
export class RankQueue {
  private readonly levels: Uint32Array[] = [];
  size = 0;

  /** `byRank` is the inverse of `rank`. */
  constructor(
    private readonly rank: Int32Array,
    private readonly byRank: Int32Array,
  ) {
    let words = Math.max(1, Math.ceil(rank.length / 32));
    for (;;) {
      this.levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
  }

  has(id: number): boolean {
    const r = this.rank[id]!;
    return (this.levels[0]![r >> 5]! & (1 << (r & 31))) !== 0;
  }

  /** Adds an id that is not queued. */
  push(id: number): void {
    this.size++;
    for (let level = 0, i = this.rank[id]!; level < this.levels.length; level++, i >>= 5) {
      const words = this.levels[level]!;
      const wasEmpty = words[i >> 5] === 0;
      words[i >> 5]! |= 1 << (i & 31);
      if (!wasEmpty) return;
    }
  }

  /** Removes and returns the id of lowest rank; the queue must not be empty. */
  pop(): number {
    this.size--;
    let r = 0;
    for (let level = this.levels.length - 1; level >= 0; level--) r = (r << 5) | lowestBit(this.levels[level]![r]!);
    for (let level = 0, i = r; level < this.levels.length; level++, i >>= 5) {
      const words = this.levels[level]!;
      words[i >> 5]! &= ~(1 << (i & 31));
      if (words[i >> 5] !== 0) break;
    }
    return this.byRank[r]!;
  }
}

function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}
