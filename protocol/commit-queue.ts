/**
 * The commit machine of one session on one manifest.
 *
 * Writes queue in call order. A write is ready once its content objects are
 * stored. At most one log entry is in flight; when none is, the longest ready
 * prefix of the queue becomes the next entry (group commit), so writes that
 * arrive while a PUT is in flight share the next one. Program order is kept:
 * a write never commits before an earlier one.
 */
import type { Entry, Op, Pointer } from "./entry-codec.ts";
import { MAX_SEQ } from "./log-keys.ts";
import { PROTOCOL_RULES, type ProtocolRules } from "./rules.ts";
import { compareOrder, type Order } from "./order.ts";

export interface QueuedWrite {
  id: number;
  ops: Op[] | undefined;
  bytes: number;
}

export interface Batch {
  entry: Entry;
  writeIds: number[];
  /** The writes as they were queued, to queue again if the entry does not count. */
  writes: QueuedWrite[];
}

export class CommitQueue {
  private queue: QueuedWrite[] = [];
  private inFlight: Batch[] = [];
  private lastValidTs = -1;
  private nextSeq = 0;
  private readonly maxInFlight: number;

  constructor(
    readonly session: string,
    private readonly rules: Pick<ProtocolRules, "lamportBump" | "entriesInFlight"> = PROTOCOL_RULES,
  ) {
    this.maxInFlight = rules.entriesInFlight;
  }

  get busy(): boolean {
    return this.inFlight.length >= this.maxInFlight;
  }

  get length(): number {
    return this.queue.length;
  }

  /** The order of the oldest entry in flight. */
  oldestInFlight(): Order | undefined {
    return this.inFlight.reduce<Order | undefined>((oldest, { entry }) => (oldest && compareOrder(oldest, entry) < 0 ? oldest : entry), undefined);
  }

  /** `ops` undefined: the write is waiting for its content objects. */
  enqueue(id: number, ops: Op[] | undefined, bytes: number): void {
    if (this.queue.some((write) => write.id === id)) throw new Error(`write ${id} queued twice`);
    this.queue.push({ id, ops, bytes });
  }

  markReady(id: number, ops: Op[]): void {
    const write = this.queue.find((candidate) => candidate.id === id);
    if (!write) throw new Error(`write ${id} is not queued`);
    write.ops = ops;
  }

  /** Drops a write that can never commit (its content upload failed). */
  remove(id: number): void {
    this.queue = this.queue.filter((write) => write.id !== id);
  }

  /**
   * The next entry to PUT, or undefined when one is in flight or the head of
   * the queue is not ready. ts = max(clock, everything seen + 1, own last + 1).
   */
  next(clockTs: number, maxSeenTs: number, maxBytes: number): Batch | undefined {
    if (this.busy) return undefined;
    const taken: QueuedWrite[] = [];
    let bytes = 0;
    for (const write of this.queue) {
      if (!write.ops) break;
      if (taken.length > 0 && bytes + write.bytes > maxBytes) break;
      taken.push(write);
      bytes += write.bytes;
    }
    if (taken.length === 0) return undefined;
    if (this.nextSeq > MAX_SEQ) throw new Error("session sequence exhausted: start a new session");
    const seen = this.rules.lamportBump ? maxSeenTs : -1;
    const ts = Math.max(Math.floor(clockTs), seen + 1, this.lastValidTs + 1);
    const entry: Entry = { ts, session: this.session, seq: this.nextSeq++, ops: mergeOps(taken) };
    const batch = { entry, writeIds: taken.map((write) => write.id), writes: taken };
    this.queue = this.queue.slice(taken.length);
    this.inFlight.push(batch);
    return batch;
  }

  /** The in-flight entry is stored and valid. */
  acked(batch: Batch): Batch {
    this.settle(batch);
    this.lastValidTs = Math.max(this.lastValidTs, batch.entry.ts);
    return batch;
  }

  /** The in-flight entry's writes failed for good and will not be retried. */
  abandoned(batch: Batch): Batch {
    return this.settle(batch);
  }

  /** The in-flight entry is known not to count: its writes go first again. */
  rejected(batch: Batch): Batch {
    this.settle(batch);
    this.queue = [...batch.writes, ...this.queue];
    return batch;
  }

  private settle(batch: Batch): Batch {
    const index = this.inFlight.indexOf(batch);
    if (index < 0) throw new Error("that entry is not in flight");
    this.inFlight.splice(index, 1);
    return batch;
  }
}

function mergeOps(writes: QueuedWrite[]): Op[] {
  const merged = new Map<string, Pointer | null>();
  for (const write of writes) for (const [key, pointer] of write.ops!) merged.set(key, pointer);
  return [...merged];
}
