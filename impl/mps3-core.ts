import { assertBounds, DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from "../protocol/checkpoint-policy.ts";
import { MAX_ENTRY_OPS_BYTES, opBytesMax, type Op } from "../protocol/entry-codec.ts";
import { PROTOCOL_RULES, type ProtocolRules } from "../protocol/rules.ts";
import { snapshotJson, utf8Length, type Json } from "../protocol/json-value.ts";
import { ContentStore, pointerFor, type ContentLocation } from "./content-store.ts";
import { realEnv, type Env } from "./env.ts";
import { makeLogger, type Logger } from "./logger.ts";
import type { Handler, Watcher } from "./notifier.ts";
import { assertKeyOfManifest, DEFAULT_MANIFEST_KEY, refId, toRef, type KeyLike, type Ref } from "./refs.ts";
import { ManifestReplica } from "./replica.ts";
import { StoreClock } from "./store-clock.ts";
import type { Storage } from "./storage.ts";
import { timedStorage } from "./timed-storage.ts";
import { withRequestTimeout } from "./request-timeout.ts";

/** The options of a client on a given `Storage` (see `MPS3Options` in mps3.ts for an S3 endpoint by config). */
export interface MPS3CoreOptions {
  defaultBucket: string;
  /** The manifest used when a call names none. Default `manifest.json` in the default bucket. */
  defaultManifest?: KeyLike;
  /** Any `Storage`: the in-memory simulator, a fault wrapper, `FetchStorage`, the AWS SDK adapter. */
  storage: Storage;
  /** Content objects at the key's own path, addressed by version id. Needs a versioned bucket. */
  useVersioning?: boolean;
  /** Milliseconds between polls while anything is subscribed. Default 1000. */
  pollFrequency?: number;
  /** Initial (or, without adaptiveClock, fixed) offset of the store's clock from the local one, in ms. */
  clockOffset?: number;
  /** Correct the clock from the store's Date headers. Default true. */
  adaptiveClock?: boolean;
  /** Delete log objects covered by two checkpoints. Default true. */
  autoclean?: boolean;
  /** Poll a marker object with If-None-Match and list only on change. Default true. */
  minimizeListObjectsCalls?: boolean;
  /** Shown in log lines. */
  label?: string;
  /** true: log everything; false: nothing; a function: receives every line. Default: warnings. */
  log?: boolean | Logger;
  /** Clock, timers and randomness; the simulator passes a virtual one. */
  env?: Env;
  /** The protocol's timing bounds; every client of a manifest must agree on them. */
  bounds?: TimingBounds;
  /** Values whose JSON is at most this many bytes go inline in the log entry. Default 4096. */
  inlineThresholdBytes?: number;
  checkpointPolicy?: CheckpointPolicy;
  /**
   * A write not acknowledged this long after it was made fails with a
   * `WriteError` (its optimistic value withdrawn) instead of being retried
   * further. Default 60,000 ms.
   */
  writeTimeoutMs?: number;
  /** A request to the store not answered this long after it was sent is given up. Default 30,000 ms. */
  requestTimeoutMs?: number;
}

export interface WriteOptions {
  /** Manifests to record the write in. Default: the default manifest. */
  manifests?: KeyLike[];
  /** "remote" (default): resolve once stored and valid; "local": once visible locally. */
  await?: "local" | "remote";
}

export interface ReadOptions {
  manifest?: KeyLike;
}

const MAX_VALUE_BYTES = 64 * 1024 * 1024;
const DEFAULT_WRITE_TIMEOUT_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * A causally consistent, multiplayer key-value store over an S3 bucket, on a
 * given `Storage`. The browser entry exports it as `MPS3`, so that bundles
 * never include the AWS SDK.
 */
export class MPS3Core {
  private readonly storage: Storage;
  private readonly env: Env;
  private readonly log: Logger;
  private readonly clock: StoreClock;
  private readonly content: ContentStore;
  private readonly session: string;
  private readonly replicas = new Map<string, ManifestReplica>();
  private readonly defaultManifest: Ref;
  private readonly bounds: TimingBounds;
  private readonly writeTimeoutMs: number;
  private nextWriteId = 1;
  private nextContentId = 0;
  private stopped = false;

  /** `rules`: the protocol's rules (protocol/rules.ts); only checker-power tests pass others. */
  constructor(
    private readonly options: MPS3CoreOptions,
    private readonly rules: Readonly<ProtocolRules> = PROTOCOL_RULES,
  ) {
    if (typeof options?.defaultBucket !== "string" || options.defaultBucket.length === 0) {
      throw new TypeError("MPS3 needs a defaultBucket");
    }
    if (!options.storage) throw new TypeError("MPS3 needs storage or s3Config");
    this.env = options.env ?? realEnv;
    this.log = makeLogger(options.log, options.label ?? "");
    this.bounds = options.bounds ?? DEFAULT_BOUNDS;
    assertBounds(this.bounds);
    this.clock = new StoreClock(this.env, finiteOption(options.clockOffset, "clockOffset", 0), options.adaptiveClock ?? true);
    const requestTimeoutMs = positiveOption(options.requestTimeoutMs, "requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    this.writeTimeoutMs = positiveOption(options.writeTimeoutMs, "writeTimeoutMs", DEFAULT_WRITE_TIMEOUT_MS);
    const storage = withRequestTimeout(options.storage, this.env, requestTimeoutMs);
    this.storage = timedStorage(storage, this.clock);
    this.session = randomSessionId(this.env);
    this.content = new ContentStore(this.storage, this.env, this.log, options.useVersioning ?? false, () =>
      `${this.session}-${(this.nextContentId++).toString(36)}`,
    );
    this.defaultManifest = toRef(options.defaultManifest ?? DEFAULT_MANIFEST_KEY, options.defaultBucket, "manifest");
  }

  /** This client's session id, as it appears in log entry keys. */
  get sessionId(): string {
    return this.session;
  }

  get subscriberCount(): number {
    let count = 0;
    for (const replica of this.replicas.values()) count += replica.subscriberCount;
    return count;
  }

  /** Writes `value` under `key`; `undefined` deletes it. */
  put(key: KeyLike, value: Json | undefined, options: WriteOptions = {}): Promise<void> {
    return this.putAll(new Map([[key, value]]), options);
  }

  delete(key: KeyLike, options: WriteOptions = {}): Promise<void> {
    return this.put(key, undefined, options);
  }

  /**
   * Writes every pair atomically within each manifest: no reader of a manifest
   * sees some of them without the others. Across several manifests each gets
   * its own entry, committed independently; the call first syncs every one of
   * them and rejects, writing nothing, if one cannot be reached.
   */
  async putAll(values: Map<KeyLike, Json | undefined>, options: WriteOptions = {}): Promise<void> {
    this.assertRunning();
    const manifests = (options.manifests ?? [this.defaultManifest]).map((m) => toRef(m, this.options.defaultBucket, "manifest"));
    const threshold = this.options.inlineThresholdBytes ?? 4096;
    const writes = this.validateWrites(values, manifests, threshold);
    const writeId = this.nextWriteId++;
    const uploads = writes.filter((write) => write.body !== undefined && write.bytes > threshold);
    const inlineOps = (manifestBucket: string, locations: Map<string, ContentLocation>): Op[] =>
      writes.map((write) => {
        const location = locations.get(refId(write.ref));
        if (write.value === undefined) return [write.ref.key, null];
        return [write.ref.key, location ? pointerFor(location, manifestBucket) : { value: write.value }];
      });
    const bytes = writes.reduce((sum, write) => sum + write.opBytes, 0);
    const replicas = manifests.map((manifest) => ({ manifest, replica: this.replica(manifest) }));
    // Atomic per manifest only: refuse before writing anything where one of them cannot be reached.
    if (replicas.length > 1) await Promise.all(replicas.map(({ replica }) => replica.ready()));
    const localValues = writes.map((write): [string, Json | undefined] => [write.ref.key, write.value]);
    const acked = replicas.map(({ manifest, replica }) =>
      replica.begin(writeId, localValues, uploads.length ? undefined : inlineOps(manifest.bucket, new Map()), bytes),
    );
    if (uploads.length > 0) void this.uploadThenCommit(writeId, uploads, replicas, inlineOps);
    if (options.await === "local") {
      acked.forEach((promise) => promise.catch((error: Error) => this.log("error", `write failed: ${error.message}`)));
      return;
    }
    await Promise.all(acked);
  }

  /** The key's value; a value this client wrote and has not seen acknowledged yet is answered at once. */
  async get(key: KeyLike, options: ReadOptions = {}): Promise<Json | undefined> {
    const { replica, ref } = this.keyIn(key, options);
    return replica.get(ref.key);
  }

  /** Calls `handler` with the key's current value, then with every change. Returns the unsubscribe function. */
  subscribe(key: KeyLike, handler: Handler, options: ReadOptions = {}): () => void {
    if (typeof handler !== "function") throw new TypeError("subscribe needs a handler function");
    const { replica, ref } = this.keyIn(key, options);
    return replica.subscribe(ref.key, handler);
  }

  /** Calls `watcher` with a set event for every key of the manifest, then with every set and delete. */
  watch(watcher: Watcher, options: ReadOptions = {}): () => void {
    if (typeof watcher !== "function") throw new TypeError("watch needs a watcher function");
    return this.replicaFor(options).watch(watcher);
  }

  /** Resolves once the manifest has been synced with the bucket at least once. */
  ready(options: ReadOptions = {}): Promise<void> {
    return this.replicaFor(options).ready();
  }

  /** Waits for pending writes, then stops polling. The client cannot be used afterwards. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await Promise.all([...this.replicas.values()].map((replica) => replica.flushed()));
    this.stopped = true;
    for (const replica of this.replicas.values()) replica.shutdown();
  }

  private async uploadThenCommit(
    writeId: number,
    uploads: PreparedWrite[],
    replicas: Array<{ manifest: Ref; replica: ManifestReplica }>,
    inlineOps: (manifestBucket: string, locations: Map<string, ContentLocation>) => Op[],
  ): Promise<void> {
    const giveUpAtMs = this.env.now() + this.writeTimeoutMs;
    try {
      const stored = await Promise.all(
        uploads.map(async (write) => [refId(write.ref), await this.content.upload(write.ref, write.body!, write.value!, giveUpAtMs)] as const),
      );
      const locations = new Map(stored);
      for (const { manifest, replica } of replicas) replica.contentReady(writeId, inlineOps(manifest.bucket, locations));
    } catch (error) {
      for (const { replica } of replicas) replica.abort(writeId, error as Error);
    }
  }

  private validateWrites(values: Map<KeyLike, Json | undefined>, manifests: Ref[], threshold: number): PreparedWrite[] {
    if (!(values instanceof Map)) throw new TypeError("putAll takes a Map of key to value");
    const seen = new Set<string>();
    const writes = [...values].map(([key, value]): PreparedWrite => {
      const ref = toRef(key, this.options.defaultBucket);
      for (const manifest of manifests) assertKeyOfManifest(ref, manifest);
      if (seen.has(ref.key)) throw new TypeError(`key ${JSON.stringify(ref.key)} appears twice in one write`);
      seen.add(ref.key);
      if (value === undefined) return { ref, value, body: undefined, bytes: 0, opBytes: opBytesMax(ref.key, "delete", ref.bucket) };
      const snapshot = snapshotJson(value);
      if (!snapshot.ok) throw new TypeError(`cannot store ${JSON.stringify(ref.key)}: ${snapshot.reason}`);
      const body = JSON.stringify(snapshot.value);
      const bytes = utf8Length(body);
      if (bytes > MAX_VALUE_BYTES) throw new RangeError(`value of ${JSON.stringify(ref.key)} exceeds ${MAX_VALUE_BYTES} bytes`);
      const opBytes = opBytesMax(ref.key, bytes > threshold ? "content" : { inlineBytes: bytes }, ref.bucket);
      return { ref, value: snapshot.value, body, bytes, opBytes };
    });
    const entryBytes = writes.reduce((sum, write) => sum + write.opBytes, 0);
    if (entryBytes > MAX_ENTRY_OPS_BYTES) {
      throw new RangeError(
        `this write's log entry would take ${entryBytes} bytes, above the limit of ${MAX_ENTRY_OPS_BYTES}: write fewer keys at once, or lower inlineThresholdBytes so that values go to content objects`,
      );
    }
    return writes;
  }

  private keyIn(key: KeyLike, options: ReadOptions): { replica: ManifestReplica; ref: Ref } {
    const manifest = this.manifestFor(options);
    const ref = toRef(key, this.options.defaultBucket);
    assertKeyOfManifest(ref, manifest);
    return { replica: this.replica(manifest), ref };
  }

  private manifestFor(options: ReadOptions): Ref {
    return options.manifest === undefined ? this.defaultManifest : toRef(options.manifest, this.options.defaultBucket, "manifest");
  }

  private replicaFor(options: ReadOptions): ManifestReplica {
    return this.replica(this.manifestFor(options));
  }

  private replica(manifest: Ref): ManifestReplica {
    this.assertRunning();
    const id = refId(manifest);
    let replica = this.replicas.get(id);
    if (!replica) {
      const ctx = {
        manifest,
        storage: this.storage,
        env: this.env,
        clock: this.clock,
        bounds: this.bounds,
        log: this.log,
        rules: this.rules,
      };
      replica = new ManifestReplica(ctx, this.content, this.session, {
        pollFrequencyMs: this.options.pollFrequency ?? 1000,
        writeTimeoutMs: this.writeTimeoutMs,
        readyTimeoutMs: this.writeTimeoutMs,
        useMarker: this.options.minimizeListObjectsCalls ?? true,
        autoclean: this.options.autoclean ?? true,
        checkpointPolicy: this.options.checkpointPolicy ?? DEFAULT_CHECKPOINT_POLICY,
      });
      this.replicas.set(id, replica);
    }
    return replica;
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error("this MPS3 client has been shut down");
  }
}

interface PreparedWrite {
  ref: Ref;
  /** A frozen snapshot of what the caller passed. */
  value: Json | undefined;
  body: string | undefined;
  bytes: number;
  /** The most bytes the write's op takes in a log entry. */
  opBytes: number;
}

function finiteOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number of ms, got ${String(value)}`);
  return value;
}

function positiveOption(value: number | undefined, name: string, fallback: number): number {
  const ms = finiteOption(value, name, fallback);
  if (ms <= 0) throw new RangeError(`${name} must be positive, got ${ms}`);
  return ms;
}

function randomSessionId(env: Env): string {
  let id = "";
  for (let i = 0; i < 10; i++) id += Math.floor(env.random() * 36).toString(36);
  return id;
}
