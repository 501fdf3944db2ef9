/**
 * When a writer writes a checkpoint. Each one costs the size of the state, so
 * it is written once the folded entries since the last one number at least
 * `minEntries` and enough of them to keep the amortized checkpoint bytes per
 * entry under `amortizedBytesPerEntry`.
 */
export interface CheckpointPolicy {
  minEntries: number;
  amortizedBytesPerEntry: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { minEntries: 64, amortizedBytesPerEntry: 16 * 1024 };

export function checkpointDue(foldedSinceCheckpoint: number, checkpointBytes: number, policy: CheckpointPolicy): boolean {
  const needed = Math.max(policy.minEntries, Math.ceil(checkpointBytes / policy.amortizedBytesPerEntry));
  return foldedSinceCheckpoint >= needed;
}
