/**
 * An in-memory S3 on a virtual clock, with S3's semantics for the subset the
 * protocol uses (see storage-vocabulary.ts) and a vendor profile's quirks.
 *
 * Every request is applied atomically at one instant of virtual time and
 * answered later: it reaches the store after the latency model's uplink and
 * its answer returns after the downlink. Both hops are clock timers, even at
 * 0 ms, so a storage call settles only while something drives the clock:
 *
 *   const response = await clock.runUntilSettled(sim.getObject(request));
 *
 * Same seed and same requests give the same responses, version ids and times.
 */
import type {
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  ListedObject,
  PutRequest,
  PutResponse,
} from "../protocol/storage-vocabulary.ts";
import { utf8Length } from "../protocol/json-value.ts";
import type { Storage } from "../impl/storage.ts";
import { Bucket, type StoredVersion } from "./bucket.ts";
import { invalidArgument, keyTooLong, noSuchBucket } from "./s3-errors.ts";
import type { SeededRandom } from "./seeded-random.ts";
import { noLatency, type Delivery, type LatencyModel, type SimRequest } from "./sim-request.ts";
import { TrafficRecord, type Outcome, type RequestLogEntry, type SimulatorStats } from "./traffic-record.ts";
import { aws, truncateToPrecision, type VendorProfile } from "./vendor-profiles.ts";
import { VersionIdMinter } from "./version-ids.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export interface S3SimulatorOptions {
  profile?: VendorProfile;
  latency?: LatencyModel;
  /** Source of version ids and latencies; defaults to a fork of the clock's stream. */
  random?: SeededRandom;
  /** Record every request in `requestLog()`. */
  logRequests?: boolean;
}

const MAX_KEY_BYTES = 1024;

export class S3Simulator implements Storage {
  readonly clock: VirtualClock;
  readonly profile: VendorProfile;
  readonly #latency: LatencyModel;
  readonly #latencyRandom: SeededRandom;
  readonly #versionIds: VersionIdMinter;
  readonly #buckets = new Map<string, Bucket>();
  readonly #traffic: TrafficRecord;

  constructor(
    clock: VirtualClock,
    {
      profile = aws,
      latency = noLatency,
      random = clock.random.fork("s3-simulator"),
      logRequests = false,
    }: S3SimulatorOptions = {},
  ) {
    this.clock = clock;
    this.profile = profile;
    this.#latency = latency;
    this.#latencyRandom = random.fork("latency");
    this.#versionIds = new VersionIdMinter(random.fork("version-ids"));
    this.#traffic = new TrafficRecord({ keepLog: logRequests });
  }

  createBucket(name: string, { versioning }: { versioning: boolean }): void {
    if (this.#buckets.has(name)) throw new Error(`bucket ${name} already exists`);
    if (versioning && !this.profile.versioningSupported) {
      throw new Error(`${this.profile.name} does not support versioned buckets`);
    }
    this.#buckets.set(name, new Bucket(versioning, this.profile, this.#versionIds));
  }

  getObject(request: GetRequest): Promise<GetResponse> {
    return this.#exchange({ kind: "get", request }, (bucket) => bucket.get(request));
  }

  putObject(request: PutRequest): Promise<PutResponse> {
    return this.#exchange({ kind: "put", request }, (bucket, now) => bucket.put(request, now));
  }

  deleteObject(request: DeleteRequest): Promise<DeleteResponse> {
    return this.#exchange({ kind: "delete", request }, (bucket, now) => bucket.delete(request, now));
  }

  listObjects(request: ListRequest): Promise<ListResponse> {
    return this.#exchange({ kind: "list", request }, (bucket, now) => bucket.list(request, now));
  }

  stats(): SimulatorStats {
    return this.#traffic.stats();
  }

  /** Zeroes the counters and empties the request log. */
  resetStats(): void {
    this.#traffic.reset();
  }

  /** Every answered request in order of response; needs `logRequests: true`. */
  requestLog(): readonly RequestLogEntry[] {
    return this.#traffic.log();
  }

  /** Writes an object now, uncounted and unconditional, with any LastModified. */
  rawPut(
    bucket: string,
    key: string,
    body: string,
    { lastModified = this.clock.now() }: { lastModified?: number } = {},
  ): { etag: string; versionId?: string } {
    checkKey(key);
    const target = this.#bucket(bucket);
    const { etag, versionId } = target.write(key, body, lastModified, this.clock.now());
    return target.versioned ? { etag, versionId } : { etag };
  }

  /** The current object with its exact LastModified, uncounted. */
  rawGet(bucket: string, key: string): StoredVersion | undefined {
    const current = this.#bucket(bucket).current(key);
    return current && { ...current };
  }

  /** Every listable key with the prefix, unpaged, exact LastModified, uncounted. */
  rawList(bucket: string, prefix = ""): ListedObject[] {
    return this.#bucket(bucket).listAll(prefix);
  }

  #exchange<R extends { status: number }>(
    sent: SimRequest,
    apply: (bucket: Bucket, now: number) => R,
  ): Promise<R & { date: number }> {
    const sentAt = this.clock.now();
    const { uplinkMs, downlinkMs } = this.#deliver(sent);
    return new Promise((resolve, reject) => {
      this.clock.schedule(() => {
        const appliedAt = this.clock.now();
        const outcome = attempt(() => this.#apply(sent, apply));
        this.clock.schedule(() => {
          this.#traffic.logAnswer(sent, { sentAt, appliedAt, respondedAt: this.clock.now() }, outcome);
          if (outcome.ok) resolve(outcome.response);
          else reject(outcome.error);
        }, downlinkMs);
      }, uplinkMs);
    });
  }

  /**
   * How long a request travels each way. Faults (lost requests or responses,
   * error answers, partitions) are injected per client by a FaultyStorage
   * wrapped around the simulator.
   */
  #deliver(sent: SimRequest): Delivery {
    return this.#latency(sent, this.#latencyRandom);
  }

  #apply<R extends { status: number }>(
    sent: SimRequest,
    apply: (bucket: Bucket, now: number) => R,
  ): R & { date: number } {
    const now = this.clock.now();
    this.#traffic.countArrival(sent);
    const bucket = this.#bucket(sent.request.bucket);
    if (sent.kind !== "list") checkKey(sent.request.key);
    const response = apply(bucket, now);
    this.#traffic.countResponse(response);
    return { ...response, date: truncateToPrecision(now, this.profile.datePrecisionMs) };
  }

  #bucket(name: string): Bucket {
    const bucket = this.#buckets.get(name);
    if (bucket === undefined) throw noSuchBucket(name);
    return bucket;
  }
}

function attempt<R>(run: () => R): Outcome<R> {
  try {
    return { ok: true, response: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** S3 keys are non-empty, well-formed Unicode, at most 1,024 UTF-8 bytes. */
function checkKey(key: string): void {
  if (key === "") throw invalidArgument("An object key must not be empty");
  if (!key.isWellFormed()) throw invalidArgument("An object key must be well-formed Unicode");
  const bytes = utf8Length(key);
  if (bytes > MAX_KEY_BYTES) throw keyTooLong(bytes);
}
