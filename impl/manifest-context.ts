import type { TimingBounds } from "../protocol/bounds.ts";
import type { ProtocolRules } from "../protocol/rules.ts";
import type { Env } from "./env.ts";
import type { Logger } from "./logger.ts";
import type { Ref } from "./refs.ts";
import type { StoreClock } from "./store-clock.ts";
import type { Storage } from "./storage.ts";

/** What every per-manifest component shares. */
export interface ManifestContext {
  manifest: Ref;
  storage: Storage;
  env: Env;
  clock: StoreClock;
  bounds: TimingBounds;
  log: Logger;
  /** PROTOCOL_RULES, except in checker-power tests. */
  rules: Readonly<ProtocolRules>;
}
