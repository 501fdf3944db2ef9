import { MaintenanceMachine, type MaintenanceInput, type MaintenanceOutcome, type MaintenanceRequest } from "../protocol/maintenance-machine.ts";
import type { CheckpointPolicy } from "../protocol/checkpoint-policy.ts";
import type { ManifestState } from "../protocol/manifest-state.ts";
import type { ManifestContext } from "./manifest-context.ts";
import { logTransition } from "./machine-log.ts";
import { failureOf } from "./request-failure.ts";

/**
 * Drives the maintenance machine (protocol/maintenance-machine.ts) of one
 * replica: checkpoint PUTs and autoclean's listing and deletes. Nothing
 * waits for it; a failed round is retried after a later sync.
 */
export class Maintenance {
  private readonly machine: MaintenanceMachine;

  constructor(
    private readonly ctx: ManifestContext,
    state: ManifestState,
    options: { policy: CheckpointPolicy; autoclean: boolean },
  ) {
    this.machine = new MaintenanceMachine({ manifest: ctx.manifest.key, bounds: ctx.bounds, ...options }, state);
  }

  handle(input: MaintenanceInput): void {
    this.machine.handle(input, this.ctx.clock.now());
    for (let request = this.machine.pollRequest(); request; request = this.machine.pollRequest()) this.send(request);
    for (let outcome = this.machine.pollOutcome(); outcome; outcome = this.machine.pollOutcome()) this.report(outcome);
  }

  private send(request: MaintenanceRequest): void {
    const { bucket } = this.ctx.manifest;
    const { requestId } = request;
    const failed = (error: unknown) => this.handle({ type: "requestFailed", requestId, failure: failureOf(error) });
    switch (request.kind) {
      case "putCheckpoint":
        this.ctx.storage
          .putObject({ bucket, key: request.key, body: request.body, contentType: "application/json" })
          .then(() => this.handle({ type: "checkpointAnswered", requestId }), failed);
        return;
      case "listForClean":
        this.ctx.storage
          .listObjects({ bucket, prefix: request.prefix, startAfter: request.startAfter })
          .then((listing) => this.handle({ type: "cleanListAnswered", requestId, contents: listing.contents, date: listing.date }), failed);
        return;
      case "delete":
        this.ctx.storage.deleteObject({ bucket, key: request.key }).then(() => this.handle({ type: "deleteAnswered", requestId }), failed);
    }
  }

  private report(outcome: MaintenanceOutcome): void {
    if (outcome.kind === "warning") this.ctx.log("warn", outcome.message);
    else if (outcome.kind === "path") this.ctx.log("debug", `path: ${outcome.mark}`);
    else logTransition(this.ctx.log, outcome.transition);
  }
}
