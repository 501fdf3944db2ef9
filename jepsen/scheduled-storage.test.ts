import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withRequestTimeout } from "../impl/request-timeout.ts";
import { S3Simulator } from "../model/s3-simulator.ts";
import { VirtualClock } from "../model/virtual-clock.ts";
import { ScheduledDriver, scheduledStorage } from "./scheduled-storage.ts";

/** A GET the store answers after 3.6 s, under a 5 s request timeout: does the timeout win in some schedule? */
async function timesOutInSomeSchedule(healed: boolean): Promise<boolean> {
  let timedOut = false;
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (scheduler) => {
      const clock = new VirtualClock({ seed: 1 });
      const sim = new S3Simulator(clock, { latency: () => ({ uplinkMs: 1_800, downlinkMs: 1_800 }) });
      sim.createBucket("b", { versioning: false });
      const driver = new ScheduledDriver(clock, scheduler);
      if (healed) driver.heal();
      const storage = withRequestTimeout(scheduledStorage(sim, scheduler, "c"), clock.env(), 5_000);
      let settled = false;
      void storage.getObject({ bucket: "b", key: "k" }).then(
        () => (settled = true),
        (error: Error) => {
          settled = true;
          if (/no answer/.test(error.message)) timedOut = true;
        },
      );
      await driver.run(60_000, () => settled);
    }),
    { numRuns: 50, seed: 7 },
  );
  return timedOut;
}

describe("scheduled driver", () => {
  it("lets a timer overtake a held answer while faults last, and never once healed", async () => {
    expect(await timesOutInSomeSchedule(false)).toBe(true);
    expect(await timesOutInSomeSchedule(true)).toBe(false);
  });
});
