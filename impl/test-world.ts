import { DEFAULT_BOUNDS, lagMs, type TimingBounds } from "../protocol/bounds.ts";
import { S3Simulator } from "../model/s3-simulator.ts";
import type { LatencyModel } from "../model/sim-request.ts";
import { VirtualClock } from "../model/virtual-clock.ts";
import type { ClientEnvOptions } from "../model/client-env.ts";
import { MPS3, type MPS3Options } from "./mps3.ts";
import type { LogLevel } from "./logger.ts";

export const BUCKET = "world";
export const TEST_POLL_MS = 100;
/** After the lag no valid entry can still land; this much more lets every poller find the last one. */
const QUIESCE_SLACK_MS = 1_000;

/**
 * Test support: clients of one fresh bucket, and the passing of its time,
 * whatever stores the bucket. Warnings are collected instead of printed, so
 * tests can assert on them.
 */
export interface World {
  /** The timing bounds every client of this world uses. */
  readonly bounds: TimingBounds;
  client(options?: Partial<MPS3Options>): MPS3;
  /** Awaits the promise, driving the clock when it is virtual. */
  settle<T>(promise: Promise<T>): Promise<T>;
  /** Lets this many ms of the world's time pass. */
  pass(ms: number): Promise<void>;
  /** Waits until every acknowledged write is visible at every client. */
  quiesce(): Promise<void>;
  /** The keys in the bucket under the prefix, in listing order. */
  listKeys(prefix: string): Promise<string[]>;
  readonly warnings: string[];
  /** Shuts every client down, which waits for their pending writes. */
  shutdownAll(): Promise<void>;
}

export interface WorldOptions {
  versioning?: boolean;
  /** Request latency on the simulator; a real store has its own. */
  simulatedLatency?: LatencyModel;
}

export function quiesceMs(bounds: TimingBounds): number {
  return lagMs(bounds) + QUIESCE_SLACK_MS;
}

/** Clients sharing `defaults` whose warnings and errors land in `warnings`. */
export function clientPool(defaults: MPS3Options) {
  const warnings: string[] = [];
  const clients: MPS3[] = [];
  const log = (level: LogLevel, message: string) => {
    if (level === "warn" || level === "error") warnings.push(message);
  };
  const client = (options: Partial<MPS3Options> = {}) => {
    const mps3 = new MPS3({ ...defaults, log, ...options });
    clients.push(mps3);
    return mps3;
  };
  const shutdownAll = async () => {
    await Promise.all(clients.map((c) => c.shutdown()));
  };
  return { client, warnings, shutdownAll };
}

interface SimulatedWorldOptions extends WorldOptions {
  seed?: number;
}

type SimulatedClientOptions = Partial<MPS3Options> & { envOptions?: Omit<ClientEnvOptions, "random"> };

/** A world on the S3 simulator, its clients on one virtual clock; simulator-only tests use both directly. */
export interface SimulatedWorld extends World {
  readonly clock: VirtualClock;
  readonly sim: S3Simulator;
  client(options?: SimulatedClientOptions): MPS3;
}

export function world({ seed = 1, versioning = false, simulatedLatency }: SimulatedWorldOptions = {}): SimulatedWorld {
  const clock = new VirtualClock({ seed });
  const sim = new S3Simulator(clock, { latency: simulatedLatency });
  sim.createBucket(BUCKET, { versioning });
  const pool = clientPool({
    defaultBucket: BUCKET,
    storage: sim,
    useVersioning: versioning,
    pollFrequency: TEST_POLL_MS,
  });
  const client = (options: SimulatedClientOptions = {}) => {
    const { envOptions, ...rest } = options;
    return pool.client({ env: clock.env(envOptions), ...rest });
  };
  const settle = <T>(promise: Promise<T>) => clock.runUntilSettled(promise, { maxMs: 600_000 });
  return {
    clock,
    sim,
    bounds: DEFAULT_BOUNDS,
    client,
    settle,
    pass: (ms: number) => clock.runFor(ms),
    quiesce: () => clock.runFor(quiesceMs(DEFAULT_BOUNDS)),
    listKeys: async (prefix: string) => sim.rawList(BUCKET, prefix).map((object) => object.key),
    warnings: pool.warnings,
    shutdownAll: () => settle(pool.shutdownAll()),
  };
}
