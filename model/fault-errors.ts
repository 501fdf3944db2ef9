import { StorageError } from "../impl/storage.ts";
import type { RequestKind } from "./sim-request.ts";

/**
 * The failures a fault injector answers with. As the SDK adapter does, only
 * a write can be ambiguous: a failed read changed nothing either way.
 */
const mayHaveChanged = (kind: RequestKind) => kind === "put" || kind === "delete";

/** The connection failed before the request was sent: surely not applied. */
export const connectionRefused = () =>
  new StorageError("connect ECONNREFUSED", { code: "ECONNREFUSED", retryable: true, ambiguous: false });

export const internalError = (kind: RequestKind) =>
  new StorageError("We encountered an internal error. Please try again.", {
    status: 500,
    code: "InternalError",
    retryable: true,
    ambiguous: mayHaveChanged(kind),
  });

export const slowDown = () =>
  new StorageError("Please reduce your request rate.", { status: 503, code: "SlowDown", retryable: true, ambiguous: false });
