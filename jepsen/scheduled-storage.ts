/**
 * Hands the order of events in a simulation to a fast-check scheduler:
 * storage answers are held until the scheduler releases them, and the
 * virtual clock only moves on when the scheduler picks a "tick". So
 * fast-check chooses which answer reaches its client first, and whether an
 * answer waits while timers fire, and it can shrink those choices when a
 * run fails.
 */
import type { Scheduler } from "fast-check";
import { interceptStorage, type Storage, type StorageCall } from "../impl/storage.ts";
import { outcomeOf } from "../model/traffic-record.ts";
import { flushMicrotasks, type VirtualClock } from "../model/virtual-clock.ts";

/** `inner`, with every answer held until `scheduler` releases it. */
export function scheduledStorage(inner: Storage, scheduler: Scheduler, label: string): Storage {
  return interceptStorage(inner, async (call, send) => {
    const outcome = await outcomeOf(send());
    // The scheduler holds no value, only the label: it would render a value (a body, an error) for its report.
    await scheduler.schedule(Promise.resolve(), `${label} ${describe(call)}`);
    if (outcome.ok) return outcome.response;
    throw outcome.error;
  });
}

function describe(call: StorageCall): string {
  return call.kind === "list" ? `LIST ${call.request.prefix}` : `${call.kind.toUpperCase()} ${call.request.key}`;
}

/** Drives a virtual clock with every step chosen by a scheduler. */
export class ScheduledDriver {
  private tick: Promise<void> | undefined;
  private ticked = false;
  private healed = false;

  constructor(
    private readonly clock: VirtualClock,
    private readonly scheduler: Scheduler,
  ) {}

  /**
   * From now on no timer overtakes an answer the store has given: a request
   * timeout that fires while its answer is held stands for a delay past it,
   * a fault that healing ends. The scheduler still orders the answers.
   */
  heal(): void {
    this.healed = true;
  }

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
      if ((this.healed || !timerDue) && this.scheduler.count() > 0) continue;
      await this.clock.step(deadline);
      if (!timerDue) return done();
    }
    return true;
  }
}
