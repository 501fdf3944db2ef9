import type { MPS3Options } from "../impl/mps3.ts";

/**
 * The timeouts of clients whose histories are checked. Requests are given up
 * after 5 s, so that requests the nemesis loses (and never answers) cost
 * little time. Writes get a deadline (a day) past every fault and idle stretch a run injects: the
 * claims are checked for writes retried until their outcome is known. A
 * write that fails at its deadline withdraws a value its client may already
 * have shown (docs/protocol.md); the regression tests check that path.
 */
export const CHECKED_TIMEOUTS: Pick<MPS3Options, "requestTimeoutMs" | "writeTimeoutMs"> = {
  requestTimeoutMs: 5_000,
  writeTimeoutMs: 24 * 60 * 60_000,
};
