import { SyncMachine, type NewLog, type SyncInput, type SyncOutcome, type SyncRequest } from "../protocol/sync-machine.ts";
import type { ManifestState } from "../protocol/manifest-state.ts";
import { logTransition } from "./machine-log.ts";
import { failureOf } from "./request-failure.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { withRetry } from "./retry.ts";

export type { NewLog } from "../protocol/sync-machine.ts";

/** Even with the marker, list at least this often, in case a writer's marker PUT was lost. */
export const FULL_LIST_INTERVAL_MS = 30_000;

/**
 * Drives the sync machine (protocol/sync-machine.ts) of one replica: performs
 * its reads (retrying passing faults, as reads change nothing), reports every
 * answer back, and hands a completed sync's log to `apply`.
 */
export class ManifestSync {
  private readonly machine: SyncMachine;
  private running: { apply: (log: NewLog) => Promise<void>; resolve: () => void; reject: (error: Error) => void } | undefined;
  private lastError: unknown;

  constructor(
    private readonly ctx: ManifestContext,
    state: ManifestState,
    useMarker: boolean,
  ) {
    this.machine = new SyncMachine(
      { manifest: ctx.manifest.key, bounds: ctx.bounds, useMarker, fullListIntervalMs: FULL_LIST_INTERVAL_MS, rules: ctx.rules },
      state,
    );
  }

  /** One sync: resolves once applied (or known to be up to date), rejects with what made it fail. */
  run(apply: (log: NewLog) => Promise<void>): Promise<void> {
    if (this.running) throw new Error("a sync is already running");
    return new Promise((resolve, reject) => {
      this.running = { apply, resolve, reject };
      this.lastError = undefined;
      this.handle({ type: "syncRequested" });
    });
  }

  private handle(event: SyncInput): void {
    this.machine.handle(event, { localMs: this.ctx.env.now(), storeMs: this.ctx.clock.now() });
    for (let request = this.machine.pollRequest(); request; request = this.machine.pollRequest()) this.send(request);
    for (let outcome = this.machine.pollOutcome(); outcome; outcome = this.machine.pollOutcome()) this.report(outcome);
  }

  private send(request: SyncRequest): void {
    const { bucket, key: manifest } = this.ctx.manifest;
    const { requestId } = request;
    const read = <T>(call: () => Promise<T>, answered: (response: T) => SyncInput) =>
      withRetry(this.ctx.env, call).then(
        (response) => this.handle(answered(response)),
        (error: unknown) => {
          this.lastError = error;
          this.handle({ type: "requestFailed", requestId, failure: failureOf(error) });
        },
      );
    switch (request.kind) {
      case "getMarker":
        void read(
          () => this.ctx.storage.getObject({ bucket, key: manifest, ...(request.ifNoneMatch ? { ifNoneMatch: request.ifNoneMatch } : {}) }),
          (response) => ({ type: "markerAnswered", requestId, status: response.status, etag: response.status === 200 ? response.etag : undefined }),
        );
        return;
      case "listPage":
        void read(
          () =>
            this.ctx.storage.listObjects({
              bucket,
              prefix: request.prefix,
              ...(request.continuationToken ? { continuationToken: request.continuationToken } : { startAfter: request.startAfter }),
            }),
          (page) => ({ type: "pageAnswered", requestId, contents: page.contents, isTruncated: page.isTruncated, nextContinuationToken: page.nextContinuationToken, date: page.date }),
        );
        return;
      case "getBody":
        void read(
          () => this.ctx.storage.getObject({ bucket, key: request.key }),
          (response) => ({ type: "bodyAnswered", requestId, status: response.status, body: response.status === 200 ? response.body : undefined }),
        );
    }
  }

  private report(outcome: SyncOutcome): void {
    const running = this.running;
    switch (outcome.kind) {
      case "upToDate":
      case "synced":
        this.running = undefined;
        running?.resolve();
        return;
      case "fetched":
        running!.apply(outcome.log).then(
          () => this.handle({ type: "applied" }),
          (error: Error) => {
            this.lastError = error;
            this.handle({ type: "applyFailed", message: error.message });
          },
        );
        return;
      case "failed":
        this.running = undefined;
        running?.reject(this.lastError instanceof Error ? this.lastError : new Error(outcome.message));
        return;
      case "warning":
        this.ctx.log("warn", outcome.message);
        return;
      case "path":
        this.ctx.log("debug", `path: ${outcome.mark}`);
        return;
      case "transition":
        logTransition(this.ctx.log, outcome.transition);
    }
  }
}
