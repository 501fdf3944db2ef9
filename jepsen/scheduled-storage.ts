/**
 * Hands the order of events in a simulation to a fast-check scheduler:
 * storage answers are held until the scheduler releases them, and the
 * virtual clock only moves on when the scheduler picks a "tick". So
 * fast-check chooses which answer reaches its client first, and whether an
 * answer waits while timers fire, and it can shrink those choices when a
 * run fails.
 */
import type { Scheduler } from "fast-check";
import type { Storage } from "../impl/storage.ts";
import { flushMicrotasks, type VirtualClock } from "../model/virtual-clock.ts";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** `inner`, with every answer held until `scheduler` releases it. */
export function scheduledStorage(inner: Storage, scheduler: Scheduler, label: string): Storage {
  const hold = async <T>(call: Promise<T>, what: string): Promise<T> => {
    const settled = await call.then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    const released = await scheduler.schedule(Promise.resolve(settled), `${label} ${what}`);
    if (released.ok) return released.value;
    throw released.error;
  };
  return {
    getObject: (request) => hold(inner.getObject(request), `GET ${request.key}`),
    putObject: (request) => hold(inner.putObject(request), `PUT ${request.key}`),
    deleteObject: (request) => hold(inner.deleteObject(request), `DELETE ${request.key}`),
    listObjects: (request) => hold(inner.listObjects(request), `LIST ${request.prefix ?? ""}`),
  };
}

/** Drives a virtual clock with every step chosen by a scheduler. */
export class ScheduledDriver {
  private tick: Promise<void> | undefined;
  private ticked = false;

  constructor(
    private readonly clock: VirtualClock,
    private readonly scheduler: Scheduler,
  ) {}

  /** Runs until `done()` or until `ms` of virtual time have passed; returns `done()`. */
  async run(ms: number, done: () => boolean = () => false): Promise<boolean> {
    const deadline = this.clock.now() + ms;
    while (!done()) {
      this.tick ??= this.scheduler.schedule(Promise.resolve(), "tick").then(() => {
        this.tick = undefined;
        this.ticked = true;
      });
      await this.scheduler.waitOne();
      await flushMicrotasks();
      if (!this.ticked) continue;
      this.ticked = false;
      const next = this.clock.nextTimerAt();
      const timerDue = next !== undefined && next <= deadline;
      // Time may pass while answers are held, but never jump past the last timer: held answers go first.
      if (!timerDue && this.scheduler.count() > 0) continue;
      await this.clock.step(deadline);
      if (!timerDue) return done();
    }
    return true;
  }
}
