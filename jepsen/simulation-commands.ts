/**
 * fast-check arbitraries for simulations: the world's configuration, and
 * commands (client operations, passing time, faults) run by
 * `fc.asyncModelRun` against a `Simulation`, with a fast-check scheduler
 * choosing the order of every storage answer and clock step.
 */
import fc from "fast-check";
import { DEFAULT_BOUNDS, lagMs, type TimingBounds } from "../protocol/bounds.ts";
import type { ProtocolRules } from "../protocol/rules.ts";
import type { VendorProfile } from "../model/vendor-profiles.ts";
import { CLAIMED_MODELS } from "./judgement.ts";
import { Simulation, type ClientClock, type SimulationConfig, type SimulationResult } from "./simulation.ts";
import { PLANT_KINDS } from "./simulation-plants.ts";
import { renderResult } from "./render.ts";

/** What decides which commands apply: how many clients were started, run, and crashed (not restarted). */
interface Model {
  clients: number;
  live: number;
  crashed: number;
}

type Action = (sim: Simulation, model: Model) => unknown;

class Step implements fc.AsyncCommand<Model, Simulation> {
  constructor(
    private readonly label: string,
    private readonly action: Action,
    private readonly applies: (model: Model) => boolean = () => true,
  ) {}

  check(model: Readonly<Model>): boolean {
    return this.applies(model);
  }

  async run(model: Model, sim: Simulation): Promise<void> {
    await this.action(sim, model);
  }

  toString(): string {
    return this.label;
  }
}

export interface WorldShape {
  maxClients?: number;
  /** Include crash and restart commands. */
  crashes?: boolean;
  /** Request latency choices, each way, [min, max] ms. */
  latencies?: Array<[number, number]>;
  /** Largest per-client clock skew, ms (either way). */
  maxSkewMs?: number;
  faults?: boolean;
  profile?: VendorProfile;
  adaptiveClock?: boolean;
  processesPerClient?: [min: number, max: number];
  keys?: [min: number, max: number];
  /** Per-request rates each fault is drawn from (default: mostly none, sometimes 2% or 10%). */
  faultRates?: number[];
  bounds?: TimingBounds[];
  slowRequestsMs?: [min: number, max: number];
  /** Include join and leave commands (clients started and shut down mid-run). */
  churn?: boolean;
  /**
   * Keep every log object for a day: in worlds where most requests fail, a
   * look-up can come long after its entry, past any shorter horizon, and the
   * write's outcome would be unknown.
   */
  keepLog?: boolean;
  /** How many commands a schedule has, at least and at most. */
  commands?: [min: number, max: number];
  /**
   * The share of worlds (0 to 1, default 0) where writes may fail: a write
   * deadline and a retention horizon shorter than the longest partitions,
   * and revoked access (403). Their judgement leaves out what failed writes withdrew.
   */
  failingWrites?: number;
}

/** Tight bounds, which ordinary delays and faults exceed now and then. */
const TIGHT_BOUNDS: TimingBounds = { staleMs: 3_000, marginMs: 1_000 };

/** The worlds the tests run, by name, so that the soak can run and replay them too. */
export const WORLD_NAMES = ["random", "one-client", "tight", "failing-writes"] as const;
export type WorldName = (typeof WORLD_NAMES)[number];

export const WORLDS: Record<WorldName, WorldShape> = {
  /** Every fault, every command; writes may fail in one world in five. */
  random: { failingWrites: 0.2 },
  /** One client, for an exact comparison with the single-writer reference model. */
  "one-client": { maxClients: 1, processesPerClient: [1, 1], churn: false },
  /** Late entries, which every reader must reject alike. */
  tight: { bounds: [TIGHT_BOUNDS], slowRequestsMs: [1_000, 8_000], faultRates: [0.1, 0.2], keepLog: true },
  /** Writes given up: deadlines, horizons and 403s, so that every way a write fails is taken. */
  "failing-writes": { failingWrites: 1 },
};
const BOUNDS: TimingBounds[] = [DEFAULT_BOUNDS, TIGHT_BOUNDS];

/** Checkpoints every few entries, whatever their size, so that checkpoints and autoclean run within a schedule. */
const CHECKPOINT_EVERY: [min: number, max: number] = [2, 4];
const NEVER_BY_SIZE = 1 << 30;
/**
 * A burst of unreadable checkpoints one plant in 17: each costs a reader a
 * GET in turn, and with 3 s latencies and lost requests a few bursts made
 * final reads outlast their 120 s bound (docs/simulation.md, open findings).
 */
const plantKind = fc.oneof(...PLANT_KINDS.map((kind) => ({ weight: kind === "checkpoints" ? 1 : 4, arbitrary: fc.constant(kind) })));
/** Pages this small make listings of a few dozen log objects span pages (pages of 4 with 3 s latencies made syncs outlast the final-read bound). */
const SMALL_LIST_PAGE_KEYS = 10;
/**
 * Retention horizons drawn when short, ms. Past the longest partition with
 * room for the look-ups after it (a client's partitions never overlap and
 * are 30 s apart, `Simulation.partition`): a look-up answered after the horizon
 * leaves its write's outcome unknown, and the optimistic value the client
 * showed is withdrawn, which no causal claim allows (docs/protocol.md); the
 * regression tests check that path instead.
 */
const SHORT_RETENTION_MS: [min: number, max: number] = [240_000, 360_000];
/** Where writes may fail: deadlines and horizons that partitions of 60 and 150 s outlast, and revoked access. */
const FAILING_WRITE_TIMEOUT_MS: [min: number, max: number] = [15_000, 90_000];
const FAILING_RETENTION_MS: [min: number, max: number] = [20_000, 120_000];
const REVOKED_MS = [3_000, 20_000, 60_000];
const MAX_CLIENTS = 6;
const DAY_MS = 24 * 60 * 60_000;
const PARTITION_MS = [500, 3_000, 15_000, 60_000, 150_000];
/** An idle stretch long enough for checkpoints and cleaning to happen while a reader is away. */
const IDLE_MS: [min: number, max: number] = [2 * 60_000, 12 * 60_000];
/** Long enough for checkpoints, cleaning and idle readers; virtual time is cheap, commands are not. */
const COMMANDS: [min: number, max: number] = [60, 200];

const LATENCIES: Array<[number, number]> = [
  [0, 0],
  [1, 30],
  [5, 300],
  [20, 3_000],
];

/** Half the worlds keep log objects for the default 10 minutes, half for a short horizon. */
function retention(shape: WorldShape): fc.Arbitrary<number | undefined> {
  if (shape.keepLog) return fc.constant(DAY_MS);
  return fc.oneof(fc.constant(undefined), fc.integer({ min: SHORT_RETENTION_MS[0], max: SHORT_RETENTION_MS[1] }));
}

function clientClock(shape: WorldShape): fc.Arbitrary<ClientClock> {
  const skew = shape.maxSkewMs ?? 2_000;
  return fc.record({ skewMs: fc.integer({ min: -skew, max: skew }), driftPpm: fc.integer({ min: -300, max: 300 }) });
}

export function simulationConfig(shape: WorldShape = {}, rules?: ProtocolRules): fc.Arbitrary<SimulationConfig> {
  const rate = shape.faults === false ? fc.constant(0) : fc.constantFrom(...(shape.faultRates ?? [0, 0, 0.02, 0.1]));
  const base = fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    clocks: fc.array(clientClock(shape), { minLength: 1, maxLength: shape.maxClients ?? 4 }),
    processesPerClient: fc.integer({ min: shape.processesPerClient?.[0] ?? 1, max: shape.processesPerClient?.[1] ?? 2 }),
    keys: fc.integer({ min: shape.keys?.[0] ?? 1, max: shape.keys?.[1] ?? 4 }),
    faults: fc.record({ delay: rate, lostResponse: rate, lostRequest: rate, refused: rate, internalError: rate, slowDown: rate }),
    latencyMs: fc.constantFrom(...(shape.latencies ?? LATENCIES)),
    versioning: fc.boolean(),
    bounds: fc.tuple(fc.constantFrom(...(shape.bounds ?? BOUNDS)), retention(shape)).map(([bounds, retentionMs]) =>
      retentionMs === undefined ? bounds : { ...bounds, retentionMs: Math.max(retentionMs, 2 * lagMs(bounds)) },
    ),
    checkpointPolicy: fc
      .integer({ min: CHECKPOINT_EVERY[0], max: CHECKPOINT_EVERY[1] })
      .map((minEntries) => ({ minEntries, amortizedBytesPerEntry: NEVER_BY_SIZE })),
    ...(shape.profile ? { profile: fc.constant(shape.profile) } : {}),
    ...(shape.slowRequestsMs ? { slowRequestsMs: fc.constant(shape.slowRequestsMs) } : {}),
    ...(shape.adaptiveClock === false ? { adaptiveClock: fc.constant(false) } : {}),
    ...(rules ? { rules: fc.constant(rules) } : {}),
    // Where most requests fail, a listing of many pages rarely completes (docs/simulation.md, open findings).
    listPageKeys: shape.keepLog ? fc.constant(undefined) : fc.constantFrom(undefined, undefined, SMALL_LIST_PAGE_KEYS),
    useMarker: fc.constantFrom(true, true, true, false),
  });
  const share = shape.failingWrites ?? 0;
  if (share === 0) return base;
  return fc
    .tuple(
      base,
      fc.integer({ min: 1, max: 100 }).map((n) => n <= share * 100),
      fc.integer({ min: FAILING_WRITE_TIMEOUT_MS[0], max: FAILING_WRITE_TIMEOUT_MS[1] }),
      fc.integer({ min: FAILING_RETENTION_MS[0], max: FAILING_RETENTION_MS[1] }),
    )
    .map(([config, failing, writeTimeoutMs, retentionMs]) =>
      !failing
        ? config
        : {
            ...config,
            writeTimeoutMs,
            bounds: { ...config.bounds!, retentionMs: Math.max(retentionMs, 2 * lagMs(config.bounds!)) },
          },
    );
}

/**
 * A schedule of commands, each drawn with the weight beside it. Commands name
 * clients by their index among those that can take them (running ones;
 * crashed ones for restart), modulo their number.
 */
export function simulationCommands(shape: WorldShape = {}): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, Simulation>>> {
  const client = fc.nat(7);
  const process = fc.nat(1);
  const key = fc.nat(7);
  const onKey = fc.tuple(client, process, key);
  const step = (label: string, action: Action, applies?: (model: Model) => boolean) => new Step(label, action, applies);
  const weighted: Array<[weight: number, command: fc.Arbitrary<Step>]> = [
    [6, fc.tuple(client, process, key, fc.boolean()).map(([c, p, k, padded]) => step(`put(c${c}.${p}, k${k}${padded ? ", padded" : ""})`, (s) => s.put(c, p, k, padded)))],
    [2, onKey.map(([c, p, k]) => step(`putThenMutate(c${c}.${p}, k${k})`, (s) => s.putThenMutate(c, p, k)))],
    [4, onKey.map(([c, p, k]) => step(`delete(c${c}.${p}, k${k})`, (s) => s.delete(c, p, k)))],
    [
      4,
      fc
        .tuple(client, process, fc.array(key, { minLength: 1, maxLength: 3 }), fc.array(key, { maxLength: 1 }))
        .map(([c, p, ks, ds]) => step(`putAll(c${c}.${p}, [${ks}], delete [${ds}])`, (s) => s.putAll(c, p, ks, ds))),
    ],
    [6, onKey.map(([c, p, k]) => step(`get(c${c}.${p}, k${k})`, (s) => s.get(c, p, k)))],
    [2, onKey.map(([c, p, k]) => step(`getThenTamper(c${c}.${p}, k${k})`, (s) => s.getThenTamper(c, p, k)))],
    [3, fc.tuple(client, key).map(([c, k]) => step(`subscribe(c${c}, k${k})`, (s) => s.subscribe(c, k)))],
    [1, client.map((c) => step(`unsubscribe(c${c})`, (s) => s.unsubscribe(c)))],
    [8, fc.constantFrom(10, 100, 1_000, 5_000).map((ms) => step(`advance(${ms})`, (s) => s.advance(ms)))],
    [2, fc.integer({ min: IDLE_MS[0], max: IDLE_MS[1] }).map((ms) => step(`idle(${ms})`, (s) => s.advance(ms)))],
  ];
  if (shape.faults !== false) {
    weighted.push(
      [2, fc.tuple(client, fc.constantFrom(...PARTITION_MS)).map(([c, ms]) => step(`partition(c${c}, ${ms})`, (s) => s.partition(c, ms)))],
      [
        2,
        fc
          .tuple(plantKind, key, fc.integer({ min: 0, max: 30_000 }))
          .map(([kind, k, ageMs]) => step(`plant(${kind}, k${k}, ${ageMs} ms old)`, (s) => s.plant(kind, k, ageMs))),
      ],
    );
  }
  if (shape.faults !== false && (shape.failingWrites ?? 0) > 0) {
    weighted.push(
      [2, fc.tuple(client, fc.constantFrom(...REVOKED_MS)).map(([c, ms]) => step(`revoke(c${c}, ${ms})`, (s) => s.revoke(c, ms)))],
      [1, client.map((c) => step(`stallListing(c${c})`, (s) => s.stallListing(c)))],
    );
  }
  if (shape.crashes !== false) {
    weighted.push(
      [1, client.map((c) => step(`crash(c${c})`, (s, m) => (s.crash(c), m.live--, m.crashed++), (m) => m.live > 0))],
      [1, client.map((c) => step(`restart(c${c})`, (s, m) => (s.restart(c), m.crashed--, m.live++), (m) => m.crashed > 0))],
    );
  }
  if (shape.churn !== false) {
    weighted.push(
      [
        1,
        clientClock(shape).map((clock) =>
          step(`join(skew ${clock.skewMs}, drift ${clock.driftPpm})`, (s, m) => (s.join(clock), m.clients++, m.live++), (m) => m.clients < MAX_CLIENTS),
        ),
      ],
      [1, client.map((c) => step(`leave(c${c})`, (s, m) => (s.leave(c), m.live--), (m) => m.live > 1))],
    );
  }
  const command = fc.oneof(...weighted.map(([weight, arbitrary]) => ({ weight, arbitrary })));
  const [minLength, maxLength] = shape.commands ?? COMMANDS;
  return fc.array(command, { minLength, maxLength, size: "max" });
}

/** Runs one simulation to its end and returns what it recorded and found. */
export async function simulate(
  scheduler: fc.Scheduler,
  config: SimulationConfig,
  commands: Iterable<fc.AsyncCommand<Model, Simulation>>,
): Promise<SimulationResult> {
  const sim = new Simulation(config, scheduler);
  await fc.asyncModelRun(() => ({ model: { clients: sim.clientCount, live: sim.clientCount, crashed: 0 }, real: sim }), commands);
  return sim.finish();
}

export function keepsClaims(result: SimulationResult): boolean {
  return result.check.valid === true && result.mismatches.length === 0 && result.stuck.length === 0;
}

/** Throws, with the anomalies' witnesses, unless the result keeps every claim. */
export function assertCorrect(result: SimulationResult): void {
  if (keepsClaims(result)) return;
  const verdicts = CLAIMED_MODELS.map((model) => `${model}=${result.check.models[model]}`).join(" ");
  throw new Error(
    [
      `simulation broke a claim (${verdicts})`,
      ...result.mismatches.map((m) => `reference model: ${m}`),
      ...result.stuck.map((s) => `stuck: ${s}`),
      renderResult(result.check, result.history),
    ].join("\n"),
  );
}

/** Runs schedules of random worlds and hands each result to `judge`, which fails the property by throwing. */
export function simulationProperty(shape: WorldShape, rules: ProtocolRules | undefined, judge: (result: SimulationResult) => void) {
  return fc.asyncProperty(fc.scheduler(), simulationConfig(shape, rules), simulationCommands(shape), async (s, config, commands) => {
    judge(await simulate(s, config, commands));
  });
}

/** The property every test and the soak run: any schedule of any world keeps every claim. */
export function correctnessProperty(shape: WorldShape = {}, rules?: ProtocolRules, onResult?: (result: SimulationResult) => void) {
  return simulationProperty(shape, rules, (result) => {
    onResult?.(result);
    assertCorrect(result);
  });
}
