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
import { DEFAULT_MANIFEST_KEY } from "../impl/refs.ts";
import { convergedWithinMs } from "../impl/replica.ts";
import { DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
import type { CheckpointPolicy } from "../protocol/checkpoint-policy.ts";
import type { Json } from "../protocol/json-value.ts";
import { PROTOCOL_RULES, type ProtocolRules } from "../protocol/rules.ts";
import { crashableEnv } from "../model/crashable-env.ts";
import { uniformDelay } from "../model/delay-distributions.ts";
import { FaultyStorage, type FaultCounts, type FaultRates } from "../model/faulty-storage.ts";
import { S3Simulator } from "../model/s3-simulator.ts";
import { aws, smallListPages, type VendorProfile } from "../model/vendor-profiles.ts";
import { flushMicrotasks, VirtualClock } from "../model/virtual-clock.ts";
import { CHECKED_TIMEOUTS } from "./checked-timeouts.ts";
import { CoverageCounter } from "./coverage.ts";
import type { Process } from "./history.ts";
import { judge, type Judgement } from "./judgement.ts";
import { HistoryRecorder, type RecordedProcess } from "./recorder.ts";
import { ScheduledDriver, scheduledStorage } from "./scheduled-storage.ts";
import { plantedObjects, type PlantKind } from "./simulation-plants.ts";

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
  rules?: ProtocolRules;
  bounds?: TimingBounds;
  /** Every client's; small ones make checkpoints and autoclean happen within a run. */
  checkpointPolicy?: CheckpointPolicy;
  /** Correct client clocks from Date headers (default true). */
  adaptiveClock?: boolean;
  /** Most keys per LIST page (default: the profile's). */
  listPageKeys?: number;
  /** Clients poll the manifest's marker before listing (default true). */
  useMarker?: boolean;
  /**
   * A write deadline within the run (default: past every fault, CHECKED_TIMEOUTS).
   * With one, writes may fail: access may be revoked and a listing stall, and
   * the judgement leaves out the values failed writes withdrew.
   */
  writeTimeoutMs?: number;
}

export interface SimulationResult extends Judgement {
  /** Final reads that never completed: a liveness failure. */
  stuck: string[];
  faults: FaultCounts;
  /** Storage requests the clients made. */
  requests: number;
  /** Virtual time from the first command to the last final read. */
  virtualMs: number;
  warnings: string[];
  /** Protocol paths and transitions the clients logged, with hit counts (jepsen/coverage.ts). */
  coverage: ReadonlyMap<string, number>;
}

const BUCKET = "sim";
const POLL_MS = 250;
const BUSY_WAIT_MS = 120_000;
const PAD_BYTES = 64;
const PARTITION_GAP_MS = 30_000;

interface SimClient {
  mps3: MPS3;
  storage: FaultyStorage;
  crash: () => void;
  processes: RecordedProcess[];
  /** Crashed, or shut down (`leave`): it takes no more commands. */
  gone: "crashed" | "left" | undefined;
  /** Once shut down, whether its shutdown has finished. */
  shutDown: boolean;
  /** Virtual time its last partition ends. */
  partitionedUntil: number;
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
  private readonly clocks: ClientClock[];
  private readonly coverage = new CoverageCounter();
  /** Liveness failures found before the end: a shutdown that left a write pending. */
  private readonly unsettled: string[] = [];
  private planted = 0;
  private listingStalled = false;
  private readonly startedAt: number;

  constructor(
    private readonly config: SimulationConfig,
    private readonly scheduler: Scheduler,
  ) {
    this.clock = new VirtualClock({ seed: config.seed });
    this.startedAt = this.clock.now();
    const [min, max] = config.latencyMs;
    this.sim = new S3Simulator(this.clock, {
      profile: config.listPageKeys === undefined ? (config.profile ?? aws) : smallListPages(config.listPageKeys, config.profile),
      latency: (_, random) => ({ uplinkMs: random.int(min, max), downlinkMs: random.int(min, max) }),
    });
    this.sim.createBucket(BUCKET, { versioning: config.versioning ?? false });
    this.recorder = new HistoryRecorder(() => this.clock.now());
    this.driver = new ScheduledDriver(this.clock, scheduler);
    this.keys = Array.from({ length: config.keys }, (_, i) => `k${i}`);
    this.clocks = [...config.clocks];
    this.clocks.forEach((_, index) => this.clients.push(this.startClient(index, 0)));
  }

  /** Writes may fail (jepsen/withdrawn-observations.ts): the run has a write deadline of its own. */
  private get writesMayFail(): boolean {
    return this.config.writeTimeoutMs !== undefined;
  }

  get clientCount(): number {
    return this.clients.length;
  }

  /** Invokes a write of a fresh value; waits first if the process is busy. */
  async put(client: number, process: number, key: number, padded: boolean): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (p) void p.put(this.key(key), p.uniqueValue(padded ? PAD_BYTES : 0));
  }

  /** A write whose value object the caller changes right after the call, without waiting: the value at the call counts. */
  async putThenMutate(client: number, process: number, key: number): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (!p) return;
    const nested: Json[] = ["kept"];
    const value: Record<string, Json> = { ...(p.uniqueValue() as Record<string, Json>), nested };
    void p.put(this.key(key), value);
    value.by = "mutated after the call";
    nested.push("mutated after the call");
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

  /** A read whose caller then tries to change the value it was given (a frozen value refuses). */
  async getThenTamper(client: number, process: number, key: number): Promise<void> {
    const p = await this.idleProcess(client, process);
    if (p) void p.get(this.key(key)).then(tamperWith);
  }

  subscribe(client: number, key: number): void {
    this.client(client)?.processes[0]!.subscribe(this.key(key));
  }

  /** The client stops listening, and so polling: it goes idle until its next call. */
  unsubscribe(client: number): void {
    this.client(client)?.processes[0]!.unsubscribeAll();
  }

  async advance(ms: number): Promise<void> {
    await this.driver.run(ms);
  }

  /**
   * Cuts the client off for `ms`, unless it was cut off less than
   * PARTITION_GAP_MS ago: a client's look-ups then get through between two
   * partitions, within the worlds' retention horizons.
   */
  partition(client: number, ms: number): void {
    const c = this.client(client);
    if (!c || this.clock.now() < c.partitionedUntil + PARTITION_GAP_MS) return;
    c.partitionedUntil = this.clock.now() + ms;
    c.storage.partition(ms);
  }

  /** The client's access is revoked for `ms` (403 to every request), where writes may fail. */
  revoke(client: number, ms: number): void {
    if (this.writesMayFail) this.client(client)?.storage.deny(ms);
  }

  /**
   * The client's next listing that spans pages stalls until the end of the
   * run (FaultyStorage.stallListing), so that its sync gives up after the
   * most pages a listing may take. Once a run, where writes may fail: a
   * stall costs a thousand requests.
   */
  stallListing(client: number): void {
    const c = this.client(client);
    if (!c || !this.writesMayFail || this.listingStalled) return;
    this.listingStalled = true;
    c.storage.stallListing();
  }

  /** Writes an object straight into the bucket, as something other than a client might. */
  plant(kind: PlantKind, key: number, ageMs: number): void {
    const objects = plantedObjects(kind, {
      manifest: DEFAULT_MANIFEST_KEY,
      key: this.key(key),
      storeNowMs: this.clock.now(),
      bounds: this.config.bounds ?? DEFAULT_BOUNDS,
      versioned: this.config.versioning ?? false,
      serial: this.planted,
      ageMs,
    });
    this.planted += objects.length;
    for (const { key: objectKey, body } of objects) this.sim.rawPut(BUCKET, objectKey, body);
  }

  /** The client dies at once: its memory, timers and unanswered requests are gone. */
  crash(client: number): void {
    const c = this.client(client);
    if (!c) return;
    c.gone = "crashed";
    c.processes.forEach((p) => p.crash());
    c.crash();
  }

  /** A crashed client comes back as a new session with empty memory. */
  restart(client: number): void {
    const crashed = this.clients.flatMap((c, index) => (c.gone === "crashed" ? [index] : []));
    if (crashed.length === 0) return;
    const index = crashed[client % crashed.length]!;
    const c = this.clients[index]!;
    this.retired.push(c.storage);
    this.clients[index] = this.startClient(index, c.restarts + 1);
  }

  /** A new client (a new session, with its own clock) joins mid-run. */
  join(clock: ClientClock): void {
    this.clocks.push(clock);
    this.clients.push(this.startClient(this.clients.length, 0));
  }

  /**
   * The client is shut down while its processes may be busy: its pending
   * writes must each get an outcome before the shutdown finishes.
   */
  leave(client: number): void {
    const c = this.client(client);
    if (!c) return;
    c.gone = "left";
    c.processes.forEach((p) => p.end());
    void c.mps3
      .shutdown()
      .then(flushMicrotasks)
      .then(() => {
        c.shutDown = true;
        for (const p of c.processes)
          if (p.pendingOperation !== undefined && p.pendingOperation !== "read")
            this.unsettled.push(`${p.id}'s ${p.pendingOperation} still pending after its client's shutdown finished`);
      });
  }

  /** Heals every fault, lets the system settle, takes final reads and judges the history. */
  async finish(): Promise<SimulationResult> {
    for (const c of this.clients) c.storage.heal();
    this.driver.heal();
    const settled = (c: SimClient) =>
      c.gone === "crashed" || (c.processes.every((p) => !p.busy) && (c.gone !== "left" || c.shutDown));
    await this.driver.run(10 * BUSY_WAIT_MS, () => this.clients.every(settled));
    await this.driver.run(convergedWithinMs(this.config.bounds ?? DEFAULT_BOUNDS, POLL_MS));
    const stuck = [...this.unsettled];
    this.clients.forEach((c, index) => {
      // A write still unacknowledged holds its shutdown up until its deadline, past the end of any run.
      if (c.gone === "left" && !c.shutDown && c.processes.every((p) => !p.busy)) stuck.push(`shutdown of c${index} never finished, with nothing pending`);
    });
    // Before the marker: a notification after it would count as a final read.
    for (const c of this.clients) c.processes.forEach((p) => p.unsubscribeAll());
    this.recorder.quiesce();
    for (const c of this.clients) {
      if (c.gone) continue;
      const reader = this.recorder.process(`${c.processes[0]!.id}-final`, c.mps3);
      for (const key of this.keys) {
        void reader.get(key);
        if (!(await this.driver.run(BUSY_WAIT_MS, () => !reader.busy))) {
          stuck.push(`final read of ${key} by ${reader.id} (timers ${this.clock.pendingTimers}, held ${this.scheduler.count()})`);
          break;
        }
      }
    }
    const storages = [...this.retired, ...this.clients.map((c) => c.storage)];
    return {
      ...judge(this.recorder, this.writesMayFail ? clientOfProcess : undefined),
      stuck,
      faults: sumFaults(storages),
      requests: storages.reduce((sum, storage) => sum + storage.requests, 0),
      virtualMs: this.clock.now() - this.startedAt,
      warnings: this.warnings,
      coverage: this.coverage.hits(),
    };
  }

  private startClient(index: number, restarts: number): SimClient {
    const clock = this.clocks[index]!;
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
      ...(this.config.writeTimeoutMs === undefined ? {} : { writeTimeoutMs: this.config.writeTimeoutMs }),
      inlineThresholdBytes: this.config.inlineThresholdBytes ?? 32,
      bounds: this.config.bounds ?? DEFAULT_BOUNDS,
      ...(this.config.checkpointPolicy ? { checkpointPolicy: this.config.checkpointPolicy } : {}),
      adaptiveClock: this.config.adaptiveClock ?? true,
      minimizeListObjectsCalls: this.config.useMarker ?? true,
      label: `c${index}`,
      log: (level: LogLevel, message: string) => {
        if (level === "debug") this.coverage.record(message);
        else if (level === "warn" || level === "error") this.warnings.push(`${this.clock.now()} c${index}: ${message}`);
      },
    }, this.config.rules ?? PROTOCOL_RULES);
    const name = restarts === 0 ? `c${index}` : `c${index}r${restarts}`;
    const processes = Array.from({ length: this.config.processesPerClient }, (_, p) =>
      this.recorder.process(`${name}.${p}`, mps3),
    );
    const crash = () => {
      storage.crash();
      stopTimers();
    };
    return { mps3, storage, crash, processes, gone: undefined, shutDown: false, partitionedUntil: -Infinity, restarts };
  }

  private async idleProcess(client: number, process: number): Promise<RecordedProcess | undefined> {
    const c = this.client(client);
    if (!c) return undefined;
    const p = c.processes[process % c.processes.length]!;
    await this.driver.run(BUSY_WAIT_MS, () => !p.busy || c.gone !== undefined);
    return p.busy || c.gone ? undefined : p;
  }

  /** Commands name clients by their index among those still running, modulo their number. */
  private client(index: number): SimClient | undefined {
    const live = this.clients.filter((c) => !c.gone);
    return live[index % live.length];
  }

  private key(index: number): string {
    return this.keys[index % this.keys.length]!;
  }
}

/** Process ids are `<client>.<n>`, with suffixes for notifications, final reads and abandoned operations. */
function clientOfProcess(process: Process): string {
  return String(process).split(".")[0]!;
}

/** What a careless caller does to a value it was given; a frozen value refuses (strict mode throws a TypeError). */
function tamperWith(value: Json | undefined): void {
  if (value === null || typeof value !== "object") return;
  for (const child of Object.values(value)) tamperWith(child);
  try {
    if (Array.isArray(value)) value.push("tampered");
    else value.tampered = true;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

function sumFaults(storages: FaultyStorage[]): FaultCounts {
  const total: Record<string, number> = {};
  for (const storage of storages) for (const [kind, count] of Object.entries(storage.faults())) total[kind] = (total[kind] ?? 0) + count;
  return total as FaultCounts;
}
