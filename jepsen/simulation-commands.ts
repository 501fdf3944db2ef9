/**
 * fast-check arbitraries for simulations: the world's configuration, and
 * commands (client operations, passing time, faults) run by
 * `fc.asyncModelRun` against a `Simulation`, with a fast-check scheduler
 * choosing the order of every storage answer and clock step.
 */
import fc from "fast-check";
import { DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
import type { Mutations } from "../protocol/mutations.ts";
import type { VendorProfile } from "../model/vendor-profiles.ts";
import { CLAIMED_MODELS } from "./judgement.ts";
import { Simulation, type SimulationConfig, type SimulationResult } from "./simulation.ts";
import { renderResult } from "./render.ts";

interface Model {
  clients: number;
  crashed: Set<number>;
}

class Step implements fc.AsyncCommand<Model, Simulation> {
  constructor(
    private readonly label: string,
    private readonly action: (sim: Simulation, model: Model) => unknown,
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
}

/** Tight bounds, which ordinary delays and faults exceed now and then. */
export const TIGHT_BOUNDS: TimingBounds = { staleMs: 3_000, marginMs: 1_000 };
const BOUNDS: TimingBounds[] = [DEFAULT_BOUNDS, TIGHT_BOUNDS];

const LATENCIES: Array<[number, number]> = [
  [0, 0],
  [1, 30],
  [5, 300],
  [20, 3_000],
];

export function simulationConfig(shape: WorldShape = {}, mutations?: Mutations): fc.Arbitrary<SimulationConfig> {
  const rate = shape.faults === false ? fc.constant(0) : fc.constantFrom(...(shape.faultRates ?? [0, 0, 0.02, 0.1]));
  const skew = shape.maxSkewMs ?? 2_000;
  return fc.record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    clocks: fc.array(
      fc.record({ skewMs: fc.integer({ min: -skew, max: skew }), driftPpm: fc.integer({ min: -300, max: 300 }) }),
      { minLength: 1, maxLength: shape.maxClients ?? 4 },
    ),
    processesPerClient: fc.integer({ min: shape.processesPerClient?.[0] ?? 1, max: shape.processesPerClient?.[1] ?? 2 }),
    keys: fc.integer({ min: shape.keys?.[0] ?? 1, max: shape.keys?.[1] ?? 4 }),
    faults: fc.record({ delay: rate, lostResponse: rate, lostRequest: rate, refused: rate, internalError: rate, slowDown: rate }),
    latencyMs: fc.constantFrom(...(shape.latencies ?? LATENCIES)),
    versioning: fc.boolean(),
    bounds: fc.constantFrom(...(shape.bounds ?? BOUNDS)),
    ...(shape.profile ? { profile: fc.constant(shape.profile) } : {}),
    ...(shape.slowRequestsMs ? { slowRequestsMs: fc.constant(shape.slowRequestsMs) } : {}),
    ...(shape.adaptiveClock === false ? { adaptiveClock: fc.constant(false) } : {}),
    ...(mutations ? { mutations: fc.constant(mutations) } : {}),
  });
}

export function simulationCommands(shape: WorldShape = {}): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, Simulation>>> {
  const client = fc.nat(7);
  const process = fc.nat(1);
  const key = fc.nat(7);
  const live = (c: number) => (m: Model) => !m.crashed.has(c % m.clients);
  const commands: Array<fc.Arbitrary<fc.AsyncCommand<Model, Simulation>>> = [
    fc
      .tuple(client, process, key, fc.boolean())
      .map(([c, p, k, padded]) => new Step(`put(c${c}.${p}, k${k}${padded ? ", padded" : ""})`, (s) => s.put(c, p, k, padded))),
    fc.tuple(client, process, key).map(([c, p, k]) => new Step(`delete(c${c}.${p}, k${k})`, (s) => s.delete(c, p, k))),
    fc
      .tuple(client, process, fc.array(key, { minLength: 1, maxLength: 3 }), fc.array(key, { maxLength: 1 }))
      .map(([c, p, ks, ds]) => new Step(`putAll(c${c}.${p}, [${ks}], delete [${ds}])`, (s) => s.putAll(c, p, ks, ds))),
    fc.tuple(client, process, key).map(([c, p, k]) => new Step(`get(c${c}.${p}, k${k})`, (s) => s.get(c, p, k))),
    fc.tuple(client, key).map(([c, k]) => new Step(`subscribe(c${c}, k${k})`, (s) => s.subscribe(c, k))),
    fc.constantFrom(10, 100, 1_000, 5_000).map((ms) => new Step(`advance(${ms})`, (s) => s.advance(ms))),
  ];
  if (shape.faults !== false) {
    commands.push(
      fc.tuple(client, fc.constantFrom(500, 3_000, 15_000)).map(([c, ms]) => new Step(`partition(c${c}, ${ms})`, (s) => s.partition(c, ms))),
    );
  }
  if (shape.crashes !== false) {
    commands.push(
      client.map((c) => new Step(`crash(c${c})`, (s, m) => (s.crash(c), m.crashed.add(c % m.clients)), live(c))),
      client.map(
        (c) => new Step(`restart(c${c})`, (s, m) => (s.restart(c), m.crashed.delete(c % m.clients)), (m) => !live(c)(m)),
      ),
    );
  }
  return fc.commands(commands, { maxCommands: 60, size: "large" });
}

/** Runs one simulation to its end and returns what it recorded and found. */
export async function simulate(
  scheduler: fc.Scheduler,
  config: SimulationConfig,
  commands: Iterable<fc.AsyncCommand<Model, Simulation>>,
): Promise<SimulationResult> {
  const sim = new Simulation(config, scheduler);
  await fc.asyncModelRun(() => ({ model: { clients: sim.clientCount, crashed: new Set<number>() }, real: sim }), commands);
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

/** The property every test and the soak run: any schedule of any world keeps every claim. */
export function correctnessProperty(shape: WorldShape = {}, mutations?: Mutations, onResult?: (result: SimulationResult) => void) {
  return fc.asyncProperty(fc.scheduler(), simulationConfig(shape, mutations), simulationCommands(shape), async (s, config, commands) => {
    const result = await simulate(s, config, commands);
    onResult?.(result);
    assertCorrect(result);
  });
}
