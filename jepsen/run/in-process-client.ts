/** Run clients in this process, each an MPS3 client over its own fault-injecting wrapper of the shared storage. */
import type { Env } from "../../impl/env.ts";
import type { LogLevel } from "../../impl/logger.ts";
import { MPS3 } from "../../impl/mps3.ts";
import type { Storage } from "../../impl/storage.ts";
import { crashableEnv } from "../../model/crashable-env.ts";
import { FaultyStorage } from "../../model/faulty-storage.ts";
import type { SeededRandom } from "../../model/seeded-random.ts";
import type { TimingBounds } from "../../protocol/bounds.ts";
import { CHECKED_TIMEOUTS } from "../checked-timeouts.ts";
import type { RunClient, StartClient } from "./run-client.ts";

export interface InProcessClientOptions {
  storage: Storage;
  /** Each client's env; on the simulator, a view of its virtual clock. */
  env: (name: string) => Env;
  random: SeededRandom;
  bucket: string;
  bounds: TimingBounds;
  pollFrequencyMs: number;
  versioning: boolean;
  warnings: string[];
}

export function inProcessClients(options: InProcessClientOptions): StartClient {
  return async (name) => {
    const { env, crash: stopTimers } = crashableEnv(options.env(name));
    const storage = new FaultyStorage(options.storage, { env, random: options.random.fork(`faults-${name}`) });
    const mps3 = new MPS3({
      defaultBucket: options.bucket,
      storage,
      env,
      bounds: options.bounds,
      pollFrequency: options.pollFrequencyMs,
      useVersioning: options.versioning,
      label: name,
      log: (level: LogLevel, message: string) => {
        if (level === "warn" || level === "error") options.warnings.push(`${name}: ${message}`);
      },
      ...CHECKED_TIMEOUTS,
    });
    let died!: () => void;
    const dead = new Promise<void>((resolve) => (died = resolve));
    const client: RunClient = {
      client: mps3,
      where: "in-process",
      dead,
      setFaultRates: (rates) => storage.setRates(rates),
      heal: () => storage.heal(),
      kill: async () => {
        storage.crash();
        stopTimers();
        died();
      },
      shutdown: async () => {
        await mps3.shutdown();
        died();
        return storage.faults();
      },
    };
    return client;
  };
}
