import { StorageError } from "../impl/storage.ts";
import { utf8ByteLength } from "./etag.ts";
import type { RequestKind, SimRequest } from "./sim-request.ts";

export interface SimulatorStats {
  requests: Record<RequestKind, number>;
  notModified: number;
  preconditionFailed: number;
  bytesUploaded: number;
  bytesDownloaded: number;
}

export interface RequestLogEntry {
  kind: RequestKind;
  bucket: string;
  /** The prefix, for a list. */
  key: string;
  sentAt: number;
  appliedAt: number;
  respondedAt: number;
  /** The response's status, or the error's when the request was rejected. */
  status?: number;
  errorCode?: string;
}

export type Outcome<R> = { ok: true; response: R } | { ok: false; error: unknown };

/** Resolves, never rejects, with how `call` settled. */
export function outcomeOf<R>(call: Promise<R>): Promise<Outcome<R>> {
  return call.then(
    (response): Outcome<R> => ({ ok: true, response }),
    (error: unknown): Outcome<R> => ({ ok: false, error }),
  );
}

/** What crossed the wire: counters always, a per-request log on demand. */
export class TrafficRecord {
  #stats = zeroStats();
  readonly #log: RequestLogEntry[] | undefined;

  constructor({ keepLog }: { keepLog: boolean }) {
    this.#log = keepLog ? [] : undefined;
  }

  /** Counts a request as the store receives it. */
  countArrival(sent: SimRequest): void {
    this.#stats.requests[sent.kind]++;
    if (sent.kind === "put") this.#stats.bytesUploaded += utf8ByteLength(sent.request.body);
  }

  /** Counts a response as the store sends it. */
  countResponse(response: { status: number; body?: unknown }): void {
    if (response.status === 304) this.#stats.notModified++;
    if (response.status === 412) this.#stats.preconditionFailed++;
    if (typeof response.body === "string") this.#stats.bytesDownloaded += utf8ByteLength(response.body);
  }

  logAnswer(
    sent: SimRequest,
    times: Pick<RequestLogEntry, "sentAt" | "appliedAt" | "respondedAt">,
    outcome: Outcome<{ status: number }>,
  ): void {
    if (this.#log === undefined) return;
    const key = sent.kind === "list" ? sent.request.prefix : sent.request.key;
    const answer = outcome.ok ? { status: outcome.response.status } : errorFields(outcome.error);
    this.#log.push({ kind: sent.kind, bucket: sent.request.bucket, key, ...times, ...answer });
  }

  stats(): SimulatorStats {
    return { ...this.#stats, requests: { ...this.#stats.requests } };
  }

  log(): readonly RequestLogEntry[] {
    if (this.#log === undefined) throw new Error("the request log is off: construct with { logRequests: true }");
    return [...this.#log];
  }

  reset(): void {
    this.#stats = zeroStats();
    this.#log?.splice(0);
  }
}

function zeroStats(): SimulatorStats {
  return {
    requests: { get: 0, put: 0, delete: 0, list: 0 },
    notModified: 0,
    preconditionFailed: 0,
    bytesUploaded: 0,
    bytesDownloaded: 0,
  };
}

function errorFields(error: unknown): Pick<RequestLogEntry, "status" | "errorCode"> {
  if (!(error instanceof StorageError)) return {};
  return { ...(error.status !== undefined && { status: error.status }), errorCode: error.code };
}
