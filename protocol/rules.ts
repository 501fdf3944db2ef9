/**
 * The protocol's rules that the checkers must be able to see broken. The
 * machines take them as a value; every real client runs PROTOCOL_RULES, and
 * the deliberately broken variants (one rule each) live with the tests in
 * jepsen/protocol-mutants.ts, to show that the checkers catch what each rule
 * prevents (a checker that never fails proves nothing).
 */
export interface ProtocolRules {
  /** Commit timestamps exceed every timestamp the writer has seen (writes follow reads). */
  lamportBump: boolean;
  /** Log PUTs one session may have in flight on one manifest; 1 gives monotonic writes. */
  entriesInFlight: number;
  /** Readers settle the log stale bound + margin behind a listing's Date (else a quarter of the stale bound). */
  fullReplayWindow: boolean;
  /** Entries whose LastModified is farther than the stale bound from their timestamp are invalid. */
  staleCheck: boolean;
  /** A write's optimistic value stays shown until the write has an outcome (else it vanishes at a failed attempt). */
  keepOptimisticUntilSettled: boolean;
}

export const PROTOCOL_RULES: Readonly<ProtocolRules> = Object.freeze({
  lamportBump: true,
  entriesInFlight: 1,
  fullReplayWindow: true,
  staleCheck: true,
  keepOptimisticUntilSettled: true,
});
