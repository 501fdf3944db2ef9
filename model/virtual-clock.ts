/**
 * Virtual time for deterministic simulations. Nothing happens until a driver
 * (`runFor`, `runUntilSettled`, `runUntilIdle`) advances the clock: it fires
 * due timers one at a time, in time order (ties in scheduling order), and lets
 * every promise chain a timer started run to completion before the next one.
 * Every driver is bounded in virtual time and in timers fired, and throws
 * rather than spin forever.
 */
import type { Env } from "../impl/env.ts";
import { clientEnv, type ClientEnvOptions } from "./client-env.ts";
import { SeededRandom } from "./seeded-random.ts";
import { TimerQueue, type QueuedTimer } from "./timer-queue.ts";

export type ClockTimer = Readonly<QueuedTimer>;

export interface VirtualClockOptions {
  /** Virtual time at start, in ms since the Unix epoch. */
  epochMs?: number;
  /** Seed of `clock.random`, the root of every stream the simulation draws. */
  seed?: number;
}

export interface DriveBounds {
  /** Virtual ms the driver may advance before giving up. */
  maxMs?: number;
  /** Timers the driver may fire before giving up. */
  maxSteps?: number;
}

export const DEFAULT_EPOCH_MS = 1_700_000_000_000;
export const DEFAULT_MAX_DRIVE_MS = 3_600_000;
export const DEFAULT_MAX_DRIVE_STEPS = 100_000;

type DriveResult = "done" | "idle" | "deadline";

export class VirtualClock {
  readonly random: SeededRandom;
  #now: number;
  #timers = new TimerQueue();
  #envCount = 0;

  constructor({ epochMs = DEFAULT_EPOCH_MS, seed = 0 }: VirtualClockOptions = {}) {
    this.#now = epochMs;
    this.random = new SeededRandom(seed);
  }

  now(): number {
    return this.#now;
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the next timer is due; undefined when none is scheduled. */
  nextTimerAt(): number | undefined {
    return this.#timers.peek()?.at;
  }

  /** Runs `fn` once `delayMs` (rounded up to whole ms, at least 0) has passed. */
  schedule(fn: () => void, delayMs: number): ClockTimer {
    if (!Number.isFinite(delayMs)) {
      throw new RangeError(`schedule: delay must be a finite number of ms, got ${delayMs}`);
    }
    return this.#timers.add(this.#now + Math.max(0, Math.ceil(delayMs)), fn);
  }

  cancel(timer: ClockTimer): void {
    this.#timers.cancel(timer as QueuedTimer);
  }

  /** Fires every timer due within the next `ms`, then sets the time to now + `ms`. */
  async runFor(ms: number, { maxSteps = DEFAULT_MAX_DRIVE_STEPS }: Pick<DriveBounds, "maxSteps"> = {}): Promise<void> {
    const deadline = this.#now + ms;
    await this.#drive(() => false, deadline, maxSteps, `runFor(${ms})`);
    this.#now = deadline;
  }

  /** Advances time until `promise` settles, and returns (or throws) its outcome. */
  async runUntilSettled<T>(
    promise: Promise<T>,
    { maxMs = DEFAULT_MAX_DRIVE_MS, maxSteps = DEFAULT_MAX_DRIVE_STEPS }: DriveBounds = {},
  ): Promise<T> {
    let settled = false;
    const markSettled = () => {
      settled = true;
    };
    promise.then(markSettled, markSettled);
    const deadline = this.#now + maxMs;
    const result = await this.#drive(() => settled, deadline, maxSteps, "runUntilSettled");
    if (result === "idle") {
      throw new Error("runUntilSettled: the promise is pending and no timer is scheduled (deadlock)");
    }
    if (result === "deadline") {
      this.#now = deadline;
      throw new Error(`runUntilSettled: the promise did not settle within ${maxMs} virtual ms`);
    }
    return promise;
  }

  /** Fires timers until none is left. */
  async runUntilIdle({
    maxMs = DEFAULT_MAX_DRIVE_MS,
    maxSteps = DEFAULT_MAX_DRIVE_STEPS,
  }: DriveBounds = {}): Promise<void> {
    const deadline = this.#now + maxMs;
    const result = await this.#drive(() => false, deadline, maxSteps, "runUntilIdle");
    if (result === "deadline") {
      this.#now = deadline;
      throw new Error(`runUntilIdle: timers still pending after ${maxMs} virtual ms`);
    }
  }

  /**
   * Fires the next timer if it is due by `deadline` and lets the promise
   * chains it started run; otherwise moves time to `deadline`. Returns whether
   * a timer fired. For drivers that interleave their own events with timers.
   */
  async step(deadline: number): Promise<boolean> {
    await flushMicrotasks();
    const next = this.#timers.peek();
    if (!next || next.at > deadline) {
      this.#now = Math.max(this.#now, deadline);
      return false;
    }
    await this.#fire(next);
    return true;
  }

  /** The outside world of one client, on this clock's time and timers. */
  env(options: Omit<ClientEnvOptions, "random"> & { random?: SeededRandom } = {}): Env {
    const random = options.random ?? this.random.fork(`env-${this.#envCount++}`);
    return clientEnv(this, { ...options, random });
  }

  async #drive(done: () => boolean, deadline: number, maxSteps: number, driver: string): Promise<DriveResult> {
    await flushMicrotasks();
    for (let steps = 0; !done(); steps++) {
      const next = this.#timers.peek();
      if (!next) return "idle";
      if (next.at > deadline) return "deadline";
      if (steps >= maxSteps) {
        throw new Error(
          `${driver}: fired ${maxSteps} timers without finishing (raise maxSteps or look for a timer loop)`,
        );
      }
      await this.#fire(next);
    }
    return "done";
  }

  async #fire(next: QueuedTimer): Promise<void> {
    this.#timers.pop();
    this.#now = next.at;
    next.fire();
    await flushMicrotasks();
  }
}

/** A new macrotask: setImmediate on Node; browsers have none, so a zero-delay timer there. */
const nextTask: (run: () => void) => void = typeof setImmediate === "function" ? setImmediate : (run) => setTimeout(run, 0);

/** Resolves once every promise job already queued, and every job those queue, has run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => nextTask(resolve));
}
