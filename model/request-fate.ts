import type { DelayDistribution } from "./delay-distributions.ts";
import type { SeededRandom } from "./seeded-random.ts";

/** Per-request probabilities of each fault a `FaultyStorage` injects. */
export interface FaultRates {
  /** Extra latency on both hops, drawn from the wrapper's delay distribution. */
  delay: number;
  /** Never reaches the store; the client times out. */
  lostRequest: number;
  /** Connection refused: never sent, and the client is told so without waiting for a timeout. */
  refused: number;
  /** 503 SlowDown, not applied. */
  slowDown: number;
  /** 500 InternalError, applied or not (even odds). */
  internalError: number;
  /** Applied, but the answer is lost; the client times out. */
  lostResponse: number;
}

/** The faults that decide what happens to a request: at most one of them strikes it. */
export type FailureFault = Exclude<keyof FaultRates, "delay">;

const FAILURE_FAULTS: readonly FailureFault[] = [
  "lostRequest",
  "refused",
  "slowDown",
  "internalError",
  "lostResponse",
];

export const NO_FAULTS: Readonly<FaultRates> = {
  delay: 0,
  lostRequest: 0,
  refused: 0,
  slowDown: 0,
  internalError: 0,
  lostResponse: 0,
};

/** `rates` with every unnamed fault at 0, checked: each in [0, 1], the failures summing to at most 1. */
export function faultRates(rates: Partial<FaultRates>): FaultRates {
  const full = { ...NO_FAULTS, ...rates };
  for (const [fault, rate] of Object.entries(full)) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate ${fault} must be in [0, 1], got ${rate}`);
  }
  const failures = FAILURE_FAULTS.reduce((sum, fault) => sum + full[fault], 0);
  if (failures > 1) throw new RangeError(`failure rates sum to ${failures}, more than 1`);
  return full;
}

export interface RequestFate {
  failure: FailureFault | undefined;
  /** For an internal error: whether the store applied the request before failing. */
  applied: boolean;
  delayed: boolean;
  uplinkMs: number;
  downlinkMs: number;
}

/**
 * Draws each request's fate. Failures, delays and the applied coin come from
 * separate streams, so changing one rate does not reshuffle the others.
 */
export class FateDice {
  readonly #failures: SeededRandom;
  readonly #delays: SeededRandom;
  readonly #applied: SeededRandom;
  readonly #delay: DelayDistribution;

  constructor(random: SeededRandom, delay: DelayDistribution) {
    this.#failures = random.fork("failures");
    this.#delays = random.fork("delays");
    this.#applied = random.fork("applied");
    this.#delay = delay;
  }

  roll(rates: FaultRates): RequestFate {
    const failure = this.#failure(rates);
    const applied = failure === "internalError" && this.#applied.next() < 0.5;
    const delayed = this.#delays.next() < rates.delay;
    const extra = () => (delayed ? this.#delay(this.#delays) : 0);
    return { failure, applied, delayed, uplinkMs: extra(), downlinkMs: extra() };
  }

  #failure(rates: FaultRates): FailureFault | undefined {
    let draw = this.#failures.next();
    for (const fault of FAILURE_FAULTS) {
      if (draw < rates[fault]) return fault;
      draw -= rates[fault];
    }
    return undefined;
  }
}
