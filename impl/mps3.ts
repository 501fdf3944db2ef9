import { assertBounds, DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
import { DEFAULT_CHECKPOINT_POLICY, type CheckpointPolicy } from "../protocol/checkpoint-policy.ts";
import type { Op } from "../protocol/entry-codec.ts";
import { NO_MUTATIONS, type Mutations } from "../protocol/mutations.ts";
import { jsonProblem, utf8Length, type Json } from "../protocol/json-value.ts";
import { ContentStore, pointerFor, type ContentLocation } from "./content-store.ts";
import { realEnv, type Env } from "./env.ts";
import { makeLogger, type Logger } from "./logger.ts";
import { lazyS3Storage, type S3Config } from "./lazy-s3-storage.ts";
import type { Handler, Watcher } from "./notifier.ts";
import { assertKeyOutsideManifest, DEFAULT_MANIFEST_KEY, refId, toRef, type KeyLike, type Ref } from "./refs.ts";
import { ManifestReplica } from "./replica.ts";
import { StoreClock } from "./store-clock.ts";
import type { Storage } from "./storage.ts";
import { timedStorage } from "./timed-storage.ts";

export interface MPS3Options {
  defaultBucket: string;
  /** The manifest used when a call names none. Default `manifest.json` in the default bucket. */
  defaultManifest?: KeyLike;
  /** Connection to a real S3-compatible endpoint (AWS SDK v3). */
  s3Config?: S3Config;
  /** Any `Storage`: the in-memory simulator, a fault wrapper, an adapter. Wins over s3Config. */
  storage?: Storage;
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
  /** Test-only: deliberately broken protocol variants, for proving the checkers can fail. */
  mutations?: Readonly<Mutations>;
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

/** A causally consistent, multiplayer key-value store over an S3 bucket. */
export class MPS3 {
  private readonly storage: Storage;
  private readonly env: Env;
  private readonly log: Logger;
  private readonly clock: StoreClock;
  private readonly content: ContentStore;
  private readonly session: string;
  private readonly replicas = new Map<string, ManifestReplica>();
  private readonly defaultManifest: Ref;
  private readonly bounds: TimingBounds;
  private nextWriteId = 1;
  private nextContentId = 0;
  private stopped = false;

  constructor(private readonly options: MPS3Options) {
    if (typeof options?.defaultBucket !== "string" || options.defaultBucket.length === 0) {
      throw new TypeError("MPS3 needs a defaultBucket");
    }
    if (!options.storage && !options.s3Config) throw new TypeError("MPS3 needs storage or s3Config");
    this.env = options.env ?? realEnv;
    this.log = makeLogger(options.log, options.label ?? "");
    this.bounds = options.bounds ?? DEFAULT_BOUNDS;
    assertBounds(this.bounds);
    this.clock = new StoreClock(this.env, options.clockOffset ?? 0, options.adaptiveClock ?? true);
    this.storage = timedStorage(options.storage ?? lazyS3Storage(options.s3Config!), this.clock);
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

  /** Writes every pair atomically: no reader sees some without the others. */
  async putAll(values: Map<KeyLike, Json | undefined>, options: WriteOptions = {}): Promise<void> {
    this.assertRunning();
    const manifests = (options.manifests ?? [this.defaultManifest]).map((m) => toRef(m, this.options.defaultBucket, "manifest"));
    const writes = this.validateWrites(values, manifests);
    const writeId = this.nextWriteId++;
    const threshold = this.options.inlineThresholdBytes ?? 4096;
    const uploads = writes.filter((write) => write.body !== undefined && write.bytes > threshold);
    const inlineOps = (manifestBucket: string, locations: Map<string, ContentLocation>): Op[] =>
      writes.map((write) => {
        const location = locations.get(refId(write.ref));
        if (write.value === undefined) return [write.ref.key, null];
        return [write.ref.key, location ? pointerFor(location, manifestBucket) : { value: write.value }];
      });
    const bytes = writes.reduce((sum, write) => sum + (write.body === undefined ? 8 : Math.min(write.bytes, threshold)), 0);
    const replicas = manifests.map((manifest) => ({ manifest, replica: this.replica(manifest) }));
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

  async get(key: KeyLike, options: ReadOptions = {}): Promise<Json | undefined> {
    const ref = toRef(key, this.options.defaultBucket);
    return this.replicaFor(options).get(ref.key);
  }

  /** Calls `handler` with the key's current value, then with every change. Returns the unsubscribe function. */
  subscribe(key: KeyLike, handler: Handler, options: ReadOptions = {}): () => void {
    if (typeof handler !== "function") throw new TypeError("subscribe needs a handler function");
    const ref = toRef(key, this.options.defaultBucket);
    return this.replicaFor(options).subscribe(ref.key, handler);
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
    try {
      const stored = await Promise.all(
        uploads.map(async (write) => [refId(write.ref), await this.content.upload(write.ref, write.body!, write.value!)] as const),
      );
      const locations = new Map(stored);
      for (const { manifest, replica } of replicas) replica.contentReady(writeId, inlineOps(manifest.bucket, locations));
    } catch (error) {
      for (const { replica } of replicas) replica.abort(writeId, error as Error);
    }
  }

  private validateWrites(values: Map<KeyLike, Json | undefined>, manifests: Ref[]): PreparedWrite[] {
    if (!(values instanceof Map)) throw new TypeError("putAll takes a Map of key to value");
    const seen = new Set<string>();
    return [...values].map(([key, value]) => {
      const ref = toRef(key, this.options.defaultBucket);
      for (const manifest of manifests) assertKeyOutsideManifest(ref, manifest);
      if (seen.has(ref.key)) throw new TypeError(`key ${JSON.stringify(ref.key)} appears twice in one write`);
      seen.add(ref.key);
      if (value === undefined) return { ref, value, body: undefined, bytes: 0 };
      const problem = jsonProblem(value);
      if (problem) throw new TypeError(`cannot store ${JSON.stringify(ref.key)}: ${problem}`);
      const body = JSON.stringify(value);
      const bytes = utf8Length(body);
      if (bytes > MAX_VALUE_BYTES) throw new RangeError(`value of ${JSON.stringify(ref.key)} exceeds ${MAX_VALUE_BYTES} bytes`);
      return { ref, value, body, bytes };
    });
  }

  private replicaFor(options: ReadOptions): ManifestReplica {
    return this.replica(options.manifest === undefined ? this.defaultManifest : toRef(options.manifest, this.options.defaultBucket, "manifest"));
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
        mutations: this.options.mutations ?? NO_MUTATIONS,
      };
      replica = new ManifestReplica(ctx, this.content, this.session, {
        pollFrequencyMs: this.options.pollFrequency ?? 1000,
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
  value: Json | undefined;
  body: string | undefined;
  bytes: number;
}

function randomSessionId(env: Env): string {
  let id = "";
  for (let i = 0; i < 10; i++) id += Math.floor(env.random() * 36).toString(36);
  return id;
}
