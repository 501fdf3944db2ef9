/** The browser entry: the client and the fetch-based storage. */
export { MPS3Core as MPS3, type MPS3CoreOptions as MPS3Options, type WriteOptions, type ReadOptions } from "./mps3-core.ts";
export { FetchStorage, type FetchStorageConfig } from "./fetch-storage.ts";
export { StorageError, type Storage } from "./storage.ts";
export { WriteError } from "./write-errors.ts";
export type { Handler, Watcher, ManifestEvent } from "./notifier.ts";
export type { Ref, KeyLike } from "./refs.ts";
export type { Env } from "./env.ts";
export type * from "../protocol/storage-vocabulary.ts";
export type { Json } from "../protocol/json-value.ts";
export { DEFAULT_BOUNDS, type TimingBounds } from "../protocol/bounds.ts";
export type { Logger, LogLevel } from "./logger.ts";
