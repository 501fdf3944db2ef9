import { S3Simulator, VirtualClock } from "../../model/index.ts";

const TICK_MS = 10;

/**
 * An in-memory S3 in this page whose virtual clock keeps up with the wall
 * clock, so clients on real time and timers can use it. Each request
 * reaches the store `latencyMs` after it is sent, and its answer comes back
 * `latencyMs` later.
 */
export function realTimeSimulator(bucket: string, latencyMs: number): S3Simulator {
  const clock = new VirtualClock({ epochMs: Date.now() });
  const simulator = new S3Simulator(clock, { latency: () => ({ uplinkMs: latencyMs, downlinkMs: latencyMs }) });
  simulator.createBucket(bucket, { versioning: false });
  const keepUp = async () => {
    await clock.runFor(Math.max(0, Date.now() - clock.now()));
    setTimeout(keepUp, TICK_MS);
  };
  void keepUp();
  return simulator;
}
