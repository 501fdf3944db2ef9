import { lazyS3Storage, type S3Config } from "./lazy-s3-storage.ts";
import { MPS3Core, type MPS3CoreOptions } from "./mps3-core.ts";
import type { ProtocolRules } from "../protocol/rules.ts";
import type { Storage } from "./storage.ts";

export type { ReadOptions, WriteOptions } from "./mps3-core.ts";

export interface MPS3Options extends Omit<MPS3CoreOptions, "storage"> {
  /** Connection to a real S3-compatible endpoint through the AWS SDK v3 (loaded on first use). */
  s3Config?: S3Config;
  /** Any `Storage`: the in-memory simulator, a fault wrapper, `FetchStorage`. Wins over s3Config. */
  storage?: Storage;
}

/** A causally consistent, multiplayer key-value store over an S3 bucket. */
export class MPS3 extends MPS3Core {
  constructor(options: MPS3Options, rules?: Readonly<ProtocolRules>) {
    const storage = options?.storage ?? (options?.s3Config ? lazyS3Storage(options.s3Config) : undefined);
    super({ ...options, storage: storage! }, rules);
  }
}
