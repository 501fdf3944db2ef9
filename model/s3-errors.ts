import { StorageError } from "../impl/storage.ts";

/** Errors a store answers without applying the request: never retryable, never ambiguous. */
function rejected(status: number, code: string, message: string): StorageError {
  return new StorageError(message, { status, code, retryable: false, ambiguous: false });
}

export const noSuchBucket = (bucket: string) =>
  rejected(404, "NoSuchBucket", `The specified bucket does not exist: ${bucket}`);

export const invalidArgument = (message: string) => rejected(400, "InvalidArgument", message);

export const keyTooLong = (bytes: number) =>
  rejected(400, "KeyTooLongError", `Your key is too long: ${bytes} bytes, at most 1024 allowed`);

export const accessDenied = () => rejected(403, "AccessDenied", "Access Denied");
