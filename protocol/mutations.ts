/**
 * Deliberately broken variants of the protocol, each undoing one of its
 * rules. They exist only so that tests can show the checkers catch what each
 * rule prevents (a checker that never fails proves nothing). Every real client
 * runs with NO_MUTATIONS.
 */
export interface Mutations {
  /** Commit timestamps ignore entries seen from others (no Lamport bump). */
  noLamportBump: boolean;
  /** A session may have two log PUTs in flight at once. */
  twoPutsInFlight: boolean;
  /** Readers settle the log a quarter of the stale bound back, not stale + margin. */
  shortReplayWindow: boolean;
  /** Every log entry counts, however far its LastModified is from its timestamp. */
  noStaleCheck: boolean;
  /** A write's optimistic local value vanishes at its first failed PUT attempt. */
  dropOptimisticOnFailure: boolean;
}

export type MutantName = keyof Mutations;

export const NO_MUTATIONS: Readonly<Mutations> = Object.freeze({
  noLamportBump: false,
  twoPutsInFlight: false,
  shortReplayWindow: false,
  noStaleCheck: false,
  dropOptimisticOnFailure: false,
});

export const MUTANT_NAMES = Object.keys(NO_MUTATIONS) as MutantName[];

export function mutant(name: MutantName): Readonly<Mutations> {
  return Object.freeze({ ...NO_MUTATIONS, [name]: true });
}
