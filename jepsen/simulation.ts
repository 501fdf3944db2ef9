/**
 * A deterministic simulation: real MPS3 clients on the in-memory S3
 * simulator, behind a per-client nemesis, with every answer's release and
 * every clock step chosen by a fast-check scheduler. It records a history,
 * and at the end heals the faults, waits for quiescence, takes final reads
 * and judges the history with the checkers and a simple reference model.
 */
import type { Scheduler } from "fast-check";
import { MPS3 } from "../impl/mps3.ts";
import type { LogLevel } from "../impl/logger.ts";
import { convergedWithinMs } from "../impl/replica.ts";
import { DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
import { NO_MUTATIONS, type Mutations } from "../protocol/mutations.ts";
import { crashableEnv } from "../model/crashable-env.ts";
import { uniformDelay } from "../model/delay-distributions.ts";
import { FaultyStorage, type FaultCounts, type FaultRates } from "../model/faulty-storage.ts";
import { S3Simulator } from "../model/s3-simulator.ts";
import { aws, type VendorProfile } from "../model/vendor-profiles.ts";
import { VirtualClock } from "../model/virtual-clock.ts";
import { CHECKED_TIMEOUTS } from "./checked-timeouts.ts";
import { judge, type Judgement } from "./judgement.ts";
import { HistoryRecorder, type RecordedProcess } from "./recorder.ts";
import { ScheduledDriver, scheduledStorage } from "./scheduled-storage.ts";

export interface ClientClock {
  skewMs: number;
  driftPpm: number;
}

export interface SimulationConfig {
  /** Root of every random stream of the world (latency, version ids, faults, session ids). */
  seed: number;
  /** One entry per client. */
  clocks: ClientClock[];
  processesPerClient: number;
  keys: number;
  faults: Partial<FaultRates>;
  /** Extra latency of the requests the `delay` fault strikes, uniform in [min, max] ms (default: a long tail). */
  slowRequestsMs?: [min: number, max: number];
  /** Request latency each way, uniform in [min, max] ms. */
  latencyMs: [min: number, max: number];
  profile?: VendorProfile;
  versioning?: boolean;
  /** Values above this many bytes go to content objects; some writes are padded past it. */
  inlineThresholdBytes?: number;
  mutations?: Mutations;
  bounds?: TimingBounds;
  /** Correct client clocks from Date headers (default true). */
  adaptiveClock?: boolean;
}

export interface SimulationResult extends Judgement {
  /** Final reads that never completed: a liveness failure. */
  stuck: string[];
  faults: FaultCounts;
  virtualMs: number;
  warnings: string[];
}

const BUCKET = "sim";
const POLL_MS = 250;
const BUSY_WAIT_MS = 120_000;
const PAD_BYTES = 64;

interface SimClient {
  mps3: MPS3;
  storage: FaultyStorage;
  crash: () => void;
  processes: RecordedProcess[];
  crashed: boolean;
  restarts: number;
}

export class Simulation {
  readonly clock: VirtualClock;
  readonly recorder: HistoryRecorder;
  readonly keys: string[];
  private readonly sim: S3Simulator;
  private readonly driver: ScheduledDriver;
  private readonly clients: SimClient[] = [];
  private readonly warnings: string[] = [];
  private readonly retired: FaultyStorage[] = [];

  constructor(
    private readonly config: SimulationConfig,
    private readonly scheduler: Scheduler,
  ) {
    this.clock = new VirtualClock({ seed: config.seed });
    const [min, max] = config.latencyMs;
    this.sim = new S3Simulator(this.clock, {
      profile: config.profile ?? aws,
      latency: (_, random) => ({ uplinkMs: random.int(min, max), downlinkMs: random.int(min, max) }),
    });
    this.sim.createBucket(BUCKET, { versioning: config.versioning ?? false });
    this.recorder = new HistoryRecorder(() => this.clock.now());
    this.driver = new ScheduledDriver(this.clock, scheduler);
    this.keys = Array.from({ length: config.keys }, (_, i) => `k${i}`);
    config.clocks.forEach((_, index) => this.clients.push(this.startClient(index, 0)));
  }

  get clientCount(): number {
    return this.clients.length;
  }

  isCrashed(client: number): boolean {
    return this.client(client).crashed;
  }

  /** Invokes a write of a fresh value; waits first if the process is busy. */
  async put(client: number, process: number, key: number, padded: boolean): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (p) void p.put(this.key(key), p.uniqueValue(padded ? PAD_BYTES : 0));
  }

  async delete(client: number, process: number, key: number): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (p) void p.delete(this.key(key));
  }

  /** Writes fresh values to some keys and deletes others, atomically. */
  async putAll(client: number, process: number, keys: number[], deletes: number[]): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (!p) return;
    const chosen = [...new Set(keys.map((k) => this.key(k)))];
    const deleted = new Set(deletes.map((k) => this.key(k)));
    void p.putAll(chosen.map((key) => [key, deleted.has(key) ? null : p.uniqueValue()]));
  }

  async get(client: number, process: number, key: number): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (p) void p.get(this.key(key));
  }

  subscribe(client: number, key: number): void {
    const c = this.client(client);
    if (!c.crashed) c.processes[0]!.subscribe(this.key(key));
  }

  async advance(ms: number): Promise<void> {
    await this.driver.run(ms);
  }

  partition(client: number, ms: number): void {
    this.client(client).storage.partition(ms);
  }

  /** The client dies at once: its memory, timers and unanswered requests are gone. */
  crash(client: number): void {
    const c = this.client(client);
    if (c.crashed) return;
    c.crashed = true;
    c.processes.forEach((p) => p.crash());
    c.crash();
  }

  /** A crashed client comes back as a new session with empty memory. */
  restart(client: number): void {
    const index = client % this.clients.length;
    const c = this.clients[index]!;
    if (!c.crashed) return;
    this.retired.push(c.storage);
    this.clients[index] = this.startClient(index, c.restarts + 1);
  }

  /** Heals every fault, lets the system settle, takes final reads and judges the history. */
  async finish(): Promise<SimulationResult> {
    for (const c of this.clients) c.storage.heal();
    const allIdle = () => this.clients.every((c) => c.crashed || c.processes.every((p) => !p.busy));
    const start = this.clock.now();
    await this.driver.run(10 * BUSY_WAIT_MS, allIdle);
    await this.driver.run(convergedWithinMs(this.config.bounds ?? DEFAULT_BOUNDS, POLL_MS));
    this.recorder.quiesce();
    const stuck: string[] = [];
    for (const c of this.clients) {
      if (c.crashed) continue;
      c.processes.forEach((p) => p.unsubscribeAll());
      const reader = this.recorder.process(`${c.processes[0]!.id}-final`, c.mps3);
      for (const key of this.keys) {
        void reader.get(key);
        if (!(await this.driver.run(BUSY_WAIT_MS, () => !reader.busy))) {
          stuck.push(`final read of ${key} by ${reader.id} (timers ${this.clock.pendingTimers}, held ${this.scheduler.count()})`);
          break;
        }
      }
    }
    const faults = sumFaults([...this.retired, ...this.clients.map((c) => c.storage)]);
    return {
      ...judge(this.recorder),
      stuck,
      faults,
      virtualMs: this.clock.now() - start,
      warnings: this.warnings,
    };
  }

  private startClient(index: number, restarts: number): SimClient {
    const clock = this.config.clocks[index]!;
    const { env, crash: stopTimers } = crashableEnv(this.clock.env({ ...clock, random: this.clock.random.fork(`env-${index}-${restarts}`) }));
    const storage = new FaultyStorage(this.sim, {
      env,
      random: this.clock.random.fork(`nemesis-${index}-${restarts}`),
      rates: this.config.faults,
      ...(this.config.slowRequestsMs ? { delay: uniformDelay(...this.config.slowRequestsMs) } : {}),
    });
    const mps3 = new MPS3({
      defaultBucket: BUCKET,
      storage: scheduledStorage(storage, this.scheduler, `c${index}`),
      env,
      useVersioning: this.config.versioning ?? false,
      pollFrequency: POLL_MS,
      ...CHECKED_TIMEOUTS,
      inlineThresholdBytes: this.config.inlineThresholdBytes ?? 32,
      mutations: this.config.mutations ?? NO_MUTATIONS,
      bounds: this.config.bounds ?? DEFAULT_BOUNDS,
      adaptiveClock: this.config.adaptiveClock ?? true,
      label: `c${index}`,
      log: (level: LogLevel, message: string) => {
        if (level === "warn" || level === "error") this.warnings.push(`${this.clock.now()} c${index}: ${message}`);
      },
    });
    const name = restarts === 0 ? `c${index}` : `c${index}r${restarts}`;
    const processes = Array.from({ length: this.config.processesPerClient }, (_, p) =>
      this.recorder.process(`${name}.${p}`, mps3),
    );
    const crash = () => {
      storage.crash();
      stopTimers();
    };
    return { mps3, storage, crash, processes, crashed: false, restarts };
  }

  private async idleProcess(client: number, process: number): Promise<RecordedProcess | undefined> {
    const c = this.client(client);
    if (c.crashed) return undefined;
    const p = c.processes[process % c.processes.length]!;
    await this.driver.run(BUSY_WAIT_MS, () => !p.busy || c.crashed);
    return p.busy || c.crashed ? undefined : p;
  }

  private client(index: number): SimClient {
    return this.clients[index % this.clients.length]!;
  }

  private key(index: number): string {
    return this.keys[index % this.keys.length]!;
  }
}

function sumFaults(storages: FaultyStorage[]): FaultCounts {
  const total: Record<string, number> = {};
  for (const storage of storages) for (const [kind, count] of Object.entries(storage.faults())) total[kind] = (total[kind] ?? 0) + count;
  return total as FaultCounts;
}
