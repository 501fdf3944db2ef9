import type { GetRequest, PutRequest } from "../protocol/storage-vocabulary.ts";
import { S3Simulator, type S3SimulatorOptions } from "./s3-simulator.ts";
import { VirtualClock } from "./virtual-clock.ts";

export const BUCKET = "test-bucket";

type Conditions<R> = Omit<R, "bucket" | "key" | "body">;

/** A simulator with one bucket, and calls that drive the clock until answered. */
export function simulation({
  seed = 1,
  versioning = false,
  ...options
}: S3SimulatorOptions & { seed?: number; versioning?: boolean } = {}) {
  const clock = new VirtualClock({ seed });
  const sim = new S3Simulator(clock, options);
  sim.createBucket(BUCKET, { versioning });
  const settle = <T>(promise: Promise<T>) => clock.runUntilSettled(promise);
  return {
    clock,
    sim,
    settle,
    put: (key: string, body: string, conditions: Conditions<PutRequest> = {}) =>
      settle(sim.putObject({ bucket: BUCKET, key, body, ...conditions })),
    get: (key: string, conditions: Conditions<GetRequest> = {}) =>
      settle(sim.getObject({ bucket: BUCKET, key, ...conditions })),
    del: (key: string, versionId?: string) =>
      settle(sim.deleteObject({ bucket: BUCKET, key, ...(versionId !== undefined && { versionId }) })),
  };
}
