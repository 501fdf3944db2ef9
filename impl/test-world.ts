import { S3Simulator, type S3SimulatorOptions } from "../model/s3-simulator.ts";
import { VirtualClock } from "../model/virtual-clock.ts";
import type { ClientEnvOptions } from "../model/client-env.ts";
import { MPS3, type MPS3Options } from "./mps3.ts";
import type { LogLevel } from "./logger.ts";

export const BUCKET = "world";

export interface WorldOptions extends S3SimulatorOptions {
  seed?: number;
  versioning?: boolean;
}

/**
 * Test support: clients on one simulated bucket, all on one virtual clock.
 * Warnings are collected instead of printed, so tests can assert on them.
 */
export function world({ seed = 1, versioning = false, ...simOptions }: WorldOptions = {}) {
  const clock = new VirtualClock({ seed });
  const sim = new S3Simulator(clock, simOptions);
  sim.createBucket(BUCKET, { versioning });
  const warnings: string[] = [];
  const clients: MPS3[] = [];
  const client = (options: Partial<MPS3Options> & { envOptions?: Omit<ClientEnvOptions, "random"> } = {}) => {
    const { envOptions, ...rest } = options;
    const mps3 = new MPS3({
      defaultBucket: BUCKET,
      storage: sim,
      env: clock.env(envOptions),
      useVersioning: versioning,
      pollFrequency: 100,
      log: (level: LogLevel, message: string) => {
        if (level === "warn" || level === "error") warnings.push(message);
      },
      ...rest,
    });
    clients.push(mps3);
    return mps3;
  };
  const settle = <T>(promise: Promise<T>) => clock.runUntilSettled(promise, { maxMs: 600_000 });
  const shutdownAll = () => settle(Promise.all(clients.map((c) => c.shutdown())));
  return { clock, sim, client, settle, warnings, shutdownAll };
}
