import type { S3Storage } from "../../impl/s3-storage.ts";
import { StorageError } from "../../impl/storage.ts";

/** What a probe gets: the adapter under test, a bucket, and a key prefix of its own. */
export interface ProbeContext {
  storage: S3Storage;
  bucket: string;
  prefix: string;
  statuses: StatusLog;
}

/** Records the HTTP status of every answer a probe receives, errors included. */
export class StatusLog {
  private readonly seen = new Set<number>();

  /** Resolves with the response; a StorageError still rejects, after its status is noted. */
  async track<T extends { status: number }>(request: Promise<T>): Promise<T> {
    const outcome = await this.settle(request);
    if (outcome instanceof StorageError) throw outcome;
    return outcome;
  }

  /** Like `track`, but a StorageError is returned, for probes where failures are findings. */
  async settle<T extends { status: number }>(request: Promise<T>): Promise<T | StorageError> {
    try {
      const response = await request;
      this.note(response.status);
      return response;
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      this.note(error.status);
      return error;
    }
  }

  /** For answers obtained outside `Storage` (e.g. HEAD). */
  note(status: number | undefined): void {
    if (status !== undefined) this.seen.add(status);
  }

  sorted(): number[] {
    return [...this.seen].sort((a, b) => a - b);
  }
}

/** The status of a settled request; 0 when no HTTP answer arrived. */
export function statusOf(outcome: { status?: number }): number {
  return outcome.status ?? 0;
}

/** "1×200, 9×412" */
export function countStatuses(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${count}×${status === 0 ? "no answer" : status}`)
    .join(", ");
}
