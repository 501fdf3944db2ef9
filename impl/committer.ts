import { CommitMachine, type CommitEvent, type CommitOutcome, type CommitRequest, type Now } from "../protocol/commit-machine.ts";
import type { Entry, Op } from "../protocol/entry-codec.ts";
import type { ManifestState } from "../protocol/manifest-state.ts";
import type { Order } from "../protocol/order.ts";
import type { TimerHandle } from "./env.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { logTransition } from "./machine-log.ts";
import { failureOf } from "./request-failure.ts";
import { WriteError } from "./write-errors.ts";

export interface CommitHooks {
  acked(entry: Entry, writeIds: number[]): void;
  failed(writeIds: number[], error: Error): void;
  /** A PUT attempt failed; the writes are still being committed. */
  attemptFailed(writeIds: number[]): void;
  /** The entry has left the in-flight set (acknowledged, queued again or given up). */
  landed(entry: Entry): void;
}

/**
 * Drives the commit machine (protocol/commit-machine.ts) of one manifest:
 * sends what it asks for, reports every answer back as a fact, runs its one
 * timer and passes its outcomes to the replica. It decides nothing itself.
 */
export class Committer {
  private readonly machine: CommitMachine;
  private timer: TimerHandle | undefined;
  private draining = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly ctx: ManifestContext,
    private readonly state: ManifestState,
    session: string,
    private readonly hooks: CommitHooks,
    writeTimeoutMs: number,
  ) {
    this.machine = new CommitMachine({ manifest: ctx.manifest.key, session, bounds: ctx.bounds, writeTimeoutMs, rules: ctx.rules });
  }

  submit(writeId: number, ops: Op[] | undefined, bytes: number): void {
    this.handle({ type: "writeSubmitted", writeId, ops, bytes });
  }

  contentStored(writeId: number, ops: Op[]): void {
    this.handle({ type: "contentStored", writeId, ops });
  }

  contentFailed(writeId: number, error: Error): void {
    this.handle({ type: "contentFailed", writeId, message: error.message });
  }

  oldestInFlight(): Order | undefined {
    return this.machine.oldestInFlight();
  }

  /** Resolves once every write has an outcome and the markers are written. */
  idle(): Promise<void> {
    if (this.machine.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private now(): Now {
    return { localMs: this.ctx.env.now(), storeMs: this.ctx.clock.now(), jitter: this.ctx.env.random() };
  }

  private handle(event: CommitEvent): void {
    this.machine.handle(event, this.now());
    this.drain();
  }

  /** Outcomes first, so the replica has applied an acknowledged entry before the next one is formed. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const outcome = this.machine.pollOutcome();
        if (outcome) {
          this.report(outcome);
          continue;
        }
        const request = this.machine.pollRequest(this.now(), this.state.maxTs);
        if (!request) break;
        this.send(request);
      }
    } finally {
      this.draining = false;
    }
    this.armTimer();
    if (this.machine.idle) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private armTimer(): void {
    if (this.timer !== undefined) this.ctx.env.clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.machine.pollTimeout(this.now());
    if (due === undefined) return;
    this.timer = this.ctx.env.setTimeout(() => {
      this.timer = undefined;
      this.handle({ type: "timerFired" });
    }, Math.max(0, due - this.ctx.env.now()));
  }

  private send(request: CommitRequest): void {
    const { bucket, key: manifest } = this.ctx.manifest;
    const { requestId } = request;
    switch (request.kind) {
      case "putEntry":
        this.ctx.storage.putObject({ bucket, key: request.key, body: request.body, contentType: "application/json" }).then(
          (response) => this.handle({ type: "putAnswered", requestId, status: response.status, date: response.date }),
          (error: unknown) => this.handle({ type: "putFailed", requestId, failure: failureOf(error) }),
        );
        return;
      case "lookUp":
        this.ctx.storage.listObjects({ bucket, prefix: request.key, maxKeys: 1 }).then(
          (listing) => {
            const found = listing.contents.find((object) => object.key === request.key);
            this.handle({
              type: "lookUpAnswered",
              requestId,
              found: found && { lastModified: found.lastModified },
              truncated: listing.isTruncated,
              date: listing.date,
            });
          },
          (error: unknown) => this.handle({ type: "lookUpFailed", requestId, failure: failureOf(error) }),
        );
        return;
      case "putMarker":
        this.ctx.storage.putObject({ bucket, key: manifest, body: request.body, contentType: "text/plain" }).then(
          () => this.handle({ type: "markerAnswered", requestId }),
          (error: unknown) => this.handle({ type: "markerFailed", requestId, failure: failureOf(error) }),
        );
    }
  }

  private report(outcome: CommitOutcome): void {
    switch (outcome.kind) {
      case "acked":
        this.hooks.acked(outcome.entry, outcome.writeIds);
        return;
      case "failed":
        this.hooks.failed(outcome.writeIds, new WriteError(outcome.message, outcome.outcome));
        return;
      case "attemptFailed":
        this.hooks.attemptFailed(outcome.writeIds);
        return;
      case "landed":
        this.hooks.landed(outcome.entry);
        return;
      case "warning":
        this.ctx.log("warn", outcome.message);
        return;
      case "transition":
        logTransition(this.ctx.log, outcome.transition);
    }
  }
}
