/**
 * Estimates the offset between the local clock and the store's from the
 * `Date` headers of responses.
 *
 * A response sent at local time `send` and received at `recv` with Date `d`
 * (truncated to `precision`) was stamped at store time in [d, d + precision)
 * at some local moment in [send, recv], so offset = store - local lies in
 * [d - recv, d + precision - send]. The estimate intersects the intervals of
 * recent samples and takes the middle; when they stop overlapping (a clock
 * stepped or drifted), the oldest are dropped until the rest overlap, so a
 * slow response's wide interval never replaces narrower ones it agrees with.
 */
export interface OffsetInterval {
  lo: number;
  hi: number;
}

export class ClockEstimator {
  private samples: OffsetInterval[] = [];

  constructor(
    private readonly fallbackOffsetMs = 0,
    private readonly maxSamples = 16,
  ) {}

  observe(sendLocalMs: number, recvLocalMs: number, dateMs: number, precisionMs = 1000): void {
    if (!(recvLocalMs >= sendLocalMs)) throw new RangeError("response received before it was sent");
    const sample = { lo: dateMs - recvLocalMs, hi: dateMs + precisionMs - sendLocalMs };
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.shift();
    while (!intersect(this.samples)) this.samples.shift();
  }

  /** The interval the true offset lies in, if any Date was seen. */
  interval(): OffsetInterval | undefined {
    return intersect(this.samples);
  }

  offsetMs(): number {
    const interval = this.interval();
    return interval ? Math.round((interval.lo + interval.hi) / 2) : this.fallbackOffsetMs;
  }
}

function intersect(samples: OffsetInterval[]): OffsetInterval | undefined {
  if (samples.length === 0) return undefined;
  let lo = -Infinity;
  let hi = Infinity;
  for (const sample of samples) {
    lo = Math.max(lo, sample.lo);
    hi = Math.min(hi, sample.hi);
  }
  return lo <= hi ? { lo, hi } : undefined;
}
