import type {
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  PutRequest,
  PutResponse,
} from "../protocol/storage-vocabulary.ts";
import type { SeededRandom } from "./seeded-random.ts";

export interface Exchanges {
  get: { request: GetRequest; response: GetResponse };
  put: { request: PutRequest; response: PutResponse };
  delete: { request: DeleteRequest; response: DeleteResponse };
  list: { request: ListRequest; response: ListResponse };
}

export type RequestKind = keyof Exchanges;

/** A request as it travels to the simulated store, tagged with its kind. */
export type SimRequest = { [K in RequestKind]: { kind: K; request: Exchanges[K]["request"] } }[RequestKind];

/** How long a request takes to reach the store, and its answer to come back. */
export interface Delivery {
  uplinkMs: number;
  downlinkMs: number;
}

export type LatencyModel = (sent: SimRequest, random: SeededRandom) => Delivery;

/** Every request applied and answered at once, yet still through the clock. */
export const noLatency: LatencyModel = () => ({ uplinkMs: 0, downlinkMs: 0 });
