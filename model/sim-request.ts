import type { StorageCall } from "../impl/storage.ts";
import type { SeededRandom } from "./seeded-random.ts";

export type RequestKind = StorageCall["kind"];

/** A request as it travels to the simulated store, tagged with its kind. */
export type SimRequest = StorageCall;

/** How long a request takes to reach the store, and its answer to come back. */
export interface Delivery {
  uplinkMs: number;
  downlinkMs: number;
}

export type LatencyModel = (sent: SimRequest, random: SeededRandom) => Delivery;

/** Every request applied and answered at once, yet still through the clock. */
export const noLatency: LatencyModel = () => ({ uplinkMs: 0, downlinkMs: 0 });
