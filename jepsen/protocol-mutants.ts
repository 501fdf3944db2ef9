import { PROTOCOL_RULES, type ProtocolRules } from "../protocol/rules.ts";

/** The protocol with one of its rules undone each, for checker-power tests and the soak's --mutant. */
export const MUTANTS = {
  noLamportBump: { ...PROTOCOL_RULES, lamportBump: false },
  twoPutsInFlight: { ...PROTOCOL_RULES, entriesInFlight: 2 },
  shortReplayWindow: { ...PROTOCOL_RULES, fullReplayWindow: false },
  noStaleCheck: { ...PROTOCOL_RULES, staleCheck: false },
  dropOptimisticOnFailure: { ...PROTOCOL_RULES, keepOptimisticUntilSettled: false },
} satisfies Record<string, ProtocolRules>;

export type MutantName = keyof typeof MUTANTS;

export const MUTANT_NAMES = Object.keys(MUTANTS) as MutantName[];
