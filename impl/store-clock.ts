import { ClockEstimator } from "../protocol/clock-estimator.ts";
import type { Env } from "./env.ts";

/**
 * The client's estimate of the store's clock. Adaptive: corrected by the Date
 * header of every response; otherwise the local clock plus a fixed offset.
 */
export class StoreClock {
  private readonly estimator: ClockEstimator;

  constructor(
    private readonly env: Env,
    private readonly fixedOffsetMs: number,
    private readonly adaptive: boolean,
  ) {
    this.estimator = new ClockEstimator(fixedOffsetMs);
  }

  /** Whole milliseconds, as timestamps are. */
  now(): number {
    return Math.floor(this.env.now() + (this.adaptive ? this.estimator.offsetMs() : this.fixedOffsetMs));
  }

  localNow(): number {
    return this.env.now();
  }

  observe(sendLocalMs: number, recvLocalMs: number, dateMs: number | undefined): void {
    if (dateMs === undefined || !this.adaptive) return;
    this.estimator.observe(sendLocalMs, recvLocalMs, dateMs);
  }
}
