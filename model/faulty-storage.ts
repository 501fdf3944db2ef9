/**
 * The nemesis between one client and its store: a `Storage` that forwards to
 * another and injects faults on the way, each with a per-request rate, plus
 * partitions and crashes on demand. All waiting goes through the given `Env`
 * and every choice comes from the given `SeededRandom`, so on a virtual clock
 * one seed replays every fault; on the real clock it drives a real store.
 *
 * A request travels in two hops, each with the extra delay its fate drew:
 * up to the store (where a partition or a failure may stop it, or the inner
 * storage applies it) and back (where a partition may lose the answer). A
 * request or answer lost on the way is never answered, as on a real network:
 * it is the client's own request timeout (`requestTimeoutMs`, which every
 * storage adapter has too) that gives up on it. A lost response still on its
 * delayed way up may land after its writer gave up.
 */
import type { Env } from "../impl/env.ts";
import type { Storage } from "../impl/storage.ts";
import type * as S3 from "../protocol/storage-vocabulary.ts";
import { crashableEnv } from "./crashable-env.ts";
import { DEFAULT_EXTRA_DELAY, type DelayDistribution } from "./delay-distributions.ts";
import { connectionRefused, internalError, slowDown } from "./fault-errors.ts";
import { accessDenied } from "./s3-errors.ts";
import { faultRates, FateDice, NO_FAULTS, type FaultRates, type RequestFate } from "./request-fate.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { RequestKind, SimRequest } from "./sim-request.ts";
import { outcomeOf, type Outcome } from "./traffic-record.ts";

export type { FaultRates } from "./request-fate.ts";

/**
 * What `faults()` counts: the rated faults, `partitioned`, a request or
 * answer a partition stopped, and `denied`, a request refused while access
 * was revoked. A delayed request also counts under whatever else befell it.
 */
export type FaultKind = keyof FaultRates | "partitioned" | "denied";

export type FaultCounts = Record<FaultKind, number>;

export interface FaultEvent {
  fault: FaultKind;
  request: RequestKind;
  /** The request's key, or a list's prefix. */
  key: string;
  /** The wrapper's env time when the fault struck. */
  at: number;
  /** Whether the store applied the request, for the faults that decide it. */
  applied?: boolean;
}

export interface FaultyStorageOptions {
  /** Time and timers: a client's env on a virtual clock, or the real one. */
  env: Env;
  /** Source of every fault decision. */
  random: SeededRandom;
  /** Rates not named are 0. */
  rates?: Partial<FaultRates>;
  /** Extra latency of a delayed request, drawn for each hop. */
  delay?: DelayDistribution;
  /** Told of every fault as it strikes, in order. */
  onFault?: (event: FaultEvent) => void;
}

export class FaultyStorage implements Storage {
  readonly #inner: Storage;
  readonly #env: Env;
  readonly #stopTimers: () => void;
  readonly #dice: FateDice;
  readonly #onFault: ((event: FaultEvent) => void) | undefined;
  readonly #counts: FaultCounts = noFaultCounts();
  #rates: FaultRates;
  #partitionedUntil = -Infinity;
  #deniedUntil = -Infinity;
  /** Continuation tokens of stalled listings, each with where in the store's listing it stands. */
  readonly #stalls = new Map<string, Pick<S3.ListRequest, "startAfter" | "continuationToken">>();
  #stallArmed = false;
  #stalling = false;
  #crashed = false;
  #requests = 0;

  constructor(
    inner: Storage,
    { env, random, rates = {}, delay = DEFAULT_EXTRA_DELAY, onFault }: FaultyStorageOptions,
  ) {
    this.#inner = inner;
    const timers = crashableEnv(env);
    this.#env = timers.env;
    this.#stopTimers = timers.crash;
    this.#dice = new FateDice(random, delay);
    this.#onFault = onFault;
    this.#rates = faultRates(rates);
  }

  getObject(request: S3.GetRequest): Promise<S3.GetResponse> {
    return this.#exchange({ kind: "get", request }, () => this.#inner.getObject(request));
  }

  putObject(request: S3.PutRequest): Promise<S3.PutResponse> {
    return this.#exchange({ kind: "put", request }, () => this.#inner.putObject(request));
  }

  deleteObject(request: S3.DeleteRequest): Promise<S3.DeleteResponse> {
    return this.#exchange({ kind: "delete", request }, () => this.#inner.deleteObject(request));
  }

  listObjects(request: S3.ListRequest): Promise<S3.ListResponse> {
    const stalled = this.#stalledToken(request);
    if (stalled === undefined) return this.#exchange({ kind: "list", request }, () => this.#inner.listObjects(request));
    const { startAfter, continuationToken } = this.#stalls.get(stalled)!;
    const sent: S3.ListRequest = { bucket: request.bucket, prefix: request.prefix, ...(request.maxKeys && { maxKeys: request.maxKeys }), ...(startAfter && { startAfter }), ...(continuationToken && { continuationToken }) };
    return this.#exchange({ kind: "list", request }, async () => {
      const response = await this.#inner.listObjects(sent);
      // The store's Date, and nothing else of the store's page.
      return this.#stalling ? { ...response, contents: [], isTruncated: true, nextContinuationToken: stalled } : response;
    });
  }

  /**
   * The next listing stalls, as servers with a pagination bug do: every
   * page is empty, truncated and names the same continuation again, until
   * `heal()`; then the listing goes on from where it stalled. A client must
   * bound the pages one listing takes.
   */
  stallListing(): void {
    this.#stallArmed = true;
  }

  /** The stall token standing for where the listing is, if it is (or was) stalled. */
  #stalledToken({ startAfter, continuationToken }: S3.ListRequest): string | undefined {
    if (continuationToken !== undefined && this.#stalls.has(continuationToken)) return continuationToken;
    if (!this.#stallArmed) return undefined;
    this.#stallArmed = false;
    this.#stalling = true;
    const stalled = `stalled-${this.#stalls.size}`;
    this.#stalls.set(stalled, { startAfter, continuationToken });
    return stalled;
  }

  get rates(): FaultRates {
    return { ...this.#rates };
  }

  /** Replaces the rates for requests made from now on; rates not named are 0. */
  setRates(rates: Partial<FaultRates>): void {
    this.#rates = faultRates(rates);
  }

  /**
   * Cuts the client off for `durationMs` of env time from now: nothing it
   * sends reaches the store and no answer reaches it. Extends a partition in progress, never shortens it.
   */
  partition(durationMs: number): void {
    if (!(durationMs >= 0)) throw new RangeError(`partition: duration must be >= 0 ms, got ${durationMs}`);
    this.#partitionedUntil = Math.max(this.#partitionedUntil, this.#env.now() + durationMs);
  }

  /**
   * Revokes the client's access for `durationMs` of env time from now, as
   * expired or withdrawn credentials do: every request reaching the store
   * meanwhile is answered 403 AccessDenied, not applied. Extends a revocation in progress.
   */
  deny(durationMs: number): void {
    if (!(durationMs >= 0)) throw new RangeError(`deny: duration must be >= 0 ms, got ${durationMs}`);
    this.#deniedUntil = Math.max(this.#deniedUntil, this.#env.now() + durationMs);
  }

  get partitioned(): boolean {
    return this.#env.now() < this.#partitionedUntil;
  }

  /** Ends any partition, revocation and stalled listing, and sets every rate to 0. Requests already made keep the failure and delays they drew. */
  heal(): void {
    this.#partitionedUntil = -Infinity;
    this.#deniedUntil = -Infinity;
    this.#stallArmed = false;
    this.#stalling = false;
    this.#rates = { ...NO_FAULTS };
  }

  /**
   * The client dies: from now on no call settles, neither those waiting for
   * an answer nor new ones, and this wrapper sets no timer, so a virtual
   * clock can run idle. New calls never reach the store; a request already
   * handed to it may still be applied, one still on its delayed way up is not.
   */
  crash(): void {
    this.#crashed = true;
    this.#stopTimers();
  }

  /** Calls made before any crash. */
  get requests(): number {
    return this.#requests;
  }

  faults(): FaultCounts {
    return { ...this.#counts };
  }

  #exchange<R>(sent: SimRequest, send: () => Promise<R>): Promise<R> {
    if (this.#crashed) return new Promise<R>(() => {});
    this.#requests++;
    const fate = this.#dice.roll(this.#rates);
    if (fate.delayed) this.#record("delay", sent);
    return new Promise<R>((resolve, reject) => {
      const answer = (outcome: Outcome<R>) => {
        if (this.#crashed) return;
        if (outcome.ok) resolve(outcome.response);
        else reject(outcome.error);
      };
      const lose = (fault: FaultKind, applied: boolean) => this.#record(fault, sent, applied);
      const reply = (outcome: Outcome<R>, applied: boolean) =>
        this.#after(fate.downlinkMs, () => {
          if (this.partitioned) lose("partitioned", applied);
          else answer(outcome);
        });
      this.#after(fate.uplinkMs, () => {
        if (this.partitioned) lose("partitioned", false);
        else this.#arrive(sent, fate, send, lose, reply);
      });
    });
  }

  /** What happens once the request reaches the store's side of the wire. */
  #arrive<R>(
    sent: SimRequest,
    { failure, applied }: RequestFate,
    send: () => Promise<R>,
    lose: (fault: FaultKind, applied: boolean) => void,
    reply: (outcome: Outcome<R>, applied: boolean) => void,
  ): void {
    if (this.#env.now() < this.#deniedUntil) {
      this.#record("denied", sent, false);
      reply({ ok: false, error: accessDenied() }, false);
      return;
    }
    switch (failure) {
      case undefined:
        void outcomeOf(send()).then((outcome) => reply(outcome, true));
        return;
      case "lostRequest":
        lose(failure, false);
        return;
      case "lostResponse":
        void outcomeOf(send());
        lose(failure, true);
        return;
      case "refused":
      case "slowDown":
        this.#record(failure, sent, false);
        reply({ ok: false, error: failure === "slowDown" ? slowDown() : connectionRefused() }, false);
        return;
      case "internalError": {
        this.#record(failure, sent, applied);
        const failed = () => reply({ ok: false, error: internalError(sent.kind) }, applied);
        if (applied) void outcomeOf(send()).then(failed);
        else failed();
      }
    }
  }

  /** Runs `fn` after `ms` of env time; at once, without a timer, when there is no delay. */
  #after(ms: number, fn: () => void): void {
    if (ms > 0) this.#env.setTimeout(fn, ms);
    else fn();
  }

  #record(fault: FaultKind, sent: SimRequest, applied?: boolean): void {
    this.#counts[fault]++;
    if (this.#onFault === undefined) return;
    const key = sent.kind === "list" ? sent.request.prefix : sent.request.key;
    this.#onFault({ fault, request: sent.kind, key, at: this.#env.now(), ...(applied !== undefined && { applied }) });
  }
}

function noFaultCounts(): FaultCounts {
  return { ...NO_FAULTS, partitioned: 0, denied: 0 };
}
