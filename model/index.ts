export {
  DEFAULT_EPOCH_MS,
  VirtualClock,
  type ClockTimer,
  type DriveBounds,
  type VirtualClockOptions,
} from "./virtual-clock.ts";
export type { ClientEnvOptions } from "./client-env.ts";
export { SeededRandom } from "./seeded-random.ts";
export { S3Simulator, type S3SimulatorOptions } from "./s3-simulator.ts";
export type { RequestLogEntry, SimulatorStats } from "./traffic-record.ts";
export type { StoredVersion } from "./bucket.ts";
export { noLatency, type Delivery, type LatencyModel, type RequestKind, type SimRequest } from "./sim-request.ts";
export {
  aws,
  b2,
  cephRgw16,
  gcs,
  laggyListings,
  minio,
  r2,
  vendorProfiles,
  type IfMatchPutMode,
  type IfNoneMatchPutMode,
  type VendorProfile,
} from "./vendor-profiles.ts";
export { compareUtf8 } from "./utf8-key-index.ts";
export { etagOf } from "./etag.ts";
export {
  FaultyStorage,
  type FaultCounts,
  type FaultEvent,
  type FaultKind,
  type FaultRates,
  type FaultyStorageOptions,
} from "./faulty-storage.ts";
export { faultRates, NO_FAULTS } from "./request-fate.ts";
export { DEFAULT_EXTRA_DELAY, longTailDelay, uniformDelay, type DelayDistribution } from "./delay-distributions.ts";
export { crashableEnv, type CrashableEnv } from "./crashable-env.ts";
