/**
 * A small deterministic PRNG (splitmix32): the same seed always yields the
 * same sequence, so simulations replay exactly.
 */
export class SeededRandom {
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x9e3779b9) | 0;
    return mix32(this.#state);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new RangeError(`int(${lo}, ${hi}): bounds must be integers with lo <= hi`);
    }
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /**
   * An independent stream named by `label`. It depends only on this stream's
   * seed and the label, not on how much of this stream was consumed, so the
   * same label always forks the same stream.
   */
  fork(label: string): SeededRandom {
    let hash = mix32(this.seed ^ 0x5bd1e995);
    for (const byte of new TextEncoder().encode(label)) {
      hash = mix32(((hash ^ byte) + 0x9e3779b9) | 0);
    }
    return new SeededRandom(hash);
  }
}

function mix32(value: number): number {
  let z = value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
