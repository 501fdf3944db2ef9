/**
 * The maintenance machine of one replica of one manifest: when a client
 * that commits writes a checkpoint of its folded state, and what autoclean
 * then deletes. Pure, like the commit and sync machines; driven by
 * impl/maintenance.ts. One round at a time:
 * idle → writingCheckpoint → (listingForClean → deleting →) idle.
 *
 * A checkpoint is written only from state that is complete up to its
 * watermark (the sync machine's listing rules see to that), only by a
 * client that committed since its last one, and only when the policy says
 * it is due. Autoclean deletes log objects older than the client's previous
 * checkpoint and past the retention horizon (log-retention.ts), one page per
 * round.
 */
import type { TimingBounds } from "./bounds.ts";
import { checkpointDue, type CheckpointPolicy } from "./checkpoint-policy.ts";
import type { RequestFailure } from "./commit-machine.ts";
import { encodeCheckpoint } from "./entry-codec.ts";
import { ProtocolError, transition, type Lifecycle, type Transition } from "./lifecycle.ts";
import { checkpointKey, logPrefix, parseLogKey, startAfterForNewest } from "./log-keys.ts";
import { cleanableBefore } from "./log-retention.ts";
import type { ManifestState } from "./manifest-state.ts";
import type { DistributiveOmit } from "./sync-machine.ts";
import type { ListedObject } from "./storage-vocabulary.ts";

export const MAINTENANCE_LIFECYCLE = {
  name: "maintenance",
  transitions: {
    idle: { checkpointDue: "writingCheckpoint" },
    writingCheckpoint: { checkpointWritten: "listingForClean", firstCheckpointWritten: "idle", checkpointFailed: "idle" },
    listingForClean: { cleanListed: "deleting", nothingToClean: "idle", cleanListFailed: "idle" },
    deleting: { deleted: "deleting", allDeleted: "idle", deleteFailed: "idle" },
  },
} as const satisfies Lifecycle;

type MaintenanceState = keyof typeof MAINTENANCE_LIFECYCLE.transitions;
type MaintenanceTableEvent = { [S in MaintenanceState]: keyof (typeof MAINTENANCE_LIFECYCLE.transitions)[S] }[MaintenanceState] & string;

export type MaintenanceInput =
  /** An own entry was acknowledged. */
  | { type: "committed" }
  /** A sync loaded a checkpoint someone wrote. */
  | { type: "checkpointLoaded"; ts: number }
  /** A sync was applied: a checkpoint may be due. */
  | { type: "synced" }
  | { type: "checkpointAnswered"; requestId: number }
  | { type: "cleanListAnswered"; requestId: number; contents: readonly ListedObject[]; date: number | undefined }
  | { type: "deleteAnswered"; requestId: number }
  | { type: "requestFailed"; requestId: number; failure: RequestFailure };

export type MaintenanceRequest =
  | { requestId: number; kind: "putCheckpoint"; key: string; body: string }
  | { requestId: number; kind: "listForClean"; prefix: string; startAfter: string }
  | { requestId: number; kind: "delete"; key: string };

export type MaintenanceOutcome =
  | { kind: "warning"; message: string }
  | { kind: "path"; mark: string }
  | { kind: "transition"; transition: Transition };

export interface MaintenanceConfig {
  manifest: string;
  bounds: TimingBounds;
  policy: CheckpointPolicy;
  autoclean: boolean;
}

const DELETE_CONCURRENCY = 4;

export class MaintenanceMachine {
  private state: MaintenanceState = "idle";
  private committedSinceCheckpoint = false;
  private lastCheckpointTs = -1;
  private lastCheckpointBytes = 0;
  /** The previous checkpoint of the round in progress: what the clean may go below. */
  private previousCheckpointTs = -1;
  private doomed: string[] = [];
  private deleting = 0;
  private readonly inFlight = new Set<number>();
  /** Requests of a round that failed: their answers, when they come, are dropped. */
  private readonly abandoned = new Set<number>();
  private readonly requests: MaintenanceRequest[] = [];
  private readonly outcomes: MaintenanceOutcome[] = [];
  private nextRequestId = 1;

  constructor(
    private readonly config: MaintenanceConfig,
    private readonly log: Pick<ManifestState, "watermark" | "entriesFoldedSinceCheckpoint" | "checkpoint" | "checkpointWritten">,
  ) {}

  get busy(): boolean {
    return this.state !== "idle";
  }

  /** `storeMs`: the corrected store clock, to choose where the clean's listing starts. */
  handle(input: MaintenanceInput, storeMs: number): void {
    if ("requestId" in input) {
      if (this.abandoned.delete(input.requestId)) return;
      if (!this.inFlight.delete(input.requestId)) throw new ProtocolError(`maintenance: no request ${input.requestId} is in flight (state "${this.state}")`);
    }
    switch (input.type) {
      case "committed":
        this.committedSinceCheckpoint = true;
        return;
      case "checkpointLoaded":
        this.lastCheckpointTs = Math.max(this.lastCheckpointTs, input.ts);
        return;
      case "synced":
        if (this.state === "idle" && this.due()) this.writeCheckpoint();
        return;
      case "checkpointAnswered":
        return this.checkpointStored(storeMs);
      case "cleanListAnswered":
        return this.cleanListed(input.contents, input.date);
      case "deleteAnswered":
        this.move("deleted");
        this.deleting--;
        return this.deleteMore();
      case "requestFailed":
        return this.failed(input.failure);
    }
  }

  pollRequest(): MaintenanceRequest | undefined {
    return this.requests.shift();
  }

  pollOutcome(): MaintenanceOutcome | undefined {
    return this.outcomes.shift();
  }

  private due(): boolean {
    if (!this.committedSinceCheckpoint || this.log.watermark <= this.lastCheckpointTs) return false;
    return checkpointDue(this.log.entriesFoldedSinceCheckpoint, this.lastCheckpointBytes, this.config.policy);
  }

  private writeCheckpoint(): void {
    this.move("checkpointDue");
    const checkpoint = this.log.checkpoint();
    const body = encodeCheckpoint(checkpoint);
    this.previousCheckpointTs = this.lastCheckpointTs;
    this.lastCheckpointTs = checkpoint.ts;
    this.lastCheckpointBytes = body.length;
    this.send({ kind: "putCheckpoint", key: checkpointKey(this.config.manifest, checkpoint.ts), body });
  }

  private checkpointStored(storeMs: number): void {
    this.outcomes.push({ kind: "path", mark: "checkpoint written" });
    this.log.checkpointWritten();
    this.committedSinceCheckpoint = false;
    if (!this.config.autoclean || this.previousCheckpointTs < 0) {
      this.move("firstCheckpointWritten");
      return;
    }
    this.move("checkpointWritten");
    const startTs = cleanableBefore(this.previousCheckpointTs, storeMs, this.config.bounds) - 1;
    this.send({ kind: "listForClean", prefix: logPrefix(this.config.manifest), startAfter: startAfterForNewest(this.config.manifest, startTs) });
  }

  /** Deletes only what the listing's own Date puts past the horizon: the deletes are sent after it. */
  private cleanListed(contents: readonly ListedObject[], date: number | undefined): void {
    const before = date === undefined ? -Infinity : cleanableBefore(this.previousCheckpointTs, date, this.config.bounds);
    this.doomed = contents.map((object) => object.key).filter((key) => (parseLogKey(this.config.manifest, key)?.ts ?? Infinity) < before);
    if (this.doomed.length === 0) {
      this.move("nothingToClean");
      return;
    }
    this.move("cleanListed");
    this.outcomes.push({ kind: "path", mark: `autoclean deleted ${this.doomed.length} log objects` });
    this.deleteMore();
  }

  private deleteMore(): void {
    while (this.deleting < DELETE_CONCURRENCY && this.doomed.length > 0) {
      this.deleting++;
      this.send({ kind: "delete", key: this.doomed.shift()! });
    }
    if (this.deleting === 0) this.move("allDeleted");
  }

  private failed(failure: RequestFailure): void {
    const event: MaintenanceTableEvent =
      this.state === "writingCheckpoint" ? "checkpointFailed" : this.state === "listingForClean" ? "cleanListFailed" : "deleteFailed";
    if (this.state === "writingCheckpoint") this.lastCheckpointTs = this.previousCheckpointTs;
    this.move(event);
    this.doomed = [];
    this.deleting = 0;
    for (const requestId of this.inFlight) this.abandoned.add(requestId);
    this.inFlight.clear();
    this.outcomes.push({ kind: "warning", message: `${event === "checkpointFailed" ? "checkpoint PUT" : "autoclean"} failed: ${failure.message}` });
  }

  private send(request: DistributiveOmit<MaintenanceRequest, "requestId">): void {
    const requestId = this.nextRequestId++;
    this.inFlight.add(requestId);
    this.requests.push({ ...request, requestId } as MaintenanceRequest);
  }

  private move(event: MaintenanceTableEvent): void {
    const from = this.state;
    this.state = transition<MaintenanceState, MaintenanceTableEvent>(MAINTENANCE_LIFECYCLE, from, event);
    this.outcomes.push({ kind: "transition", transition: { machine: MAINTENANCE_LIFECYCLE.name, from, event, to: this.state } });
  }
}
