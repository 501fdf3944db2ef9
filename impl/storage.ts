import type {
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  PutRequest,
  PutResponse,
} from "../protocol/storage-vocabulary.ts";

export type * from "../protocol/storage-vocabulary.ts";

/**
 * The seam between the client and any S3-compatible store. The simulator,
 * the AWS SDK adapter and fault-injecting wrappers all implement it.
 *
 * Expected outcomes are resolved responses (see storage-vocabulary.ts).
 * Anything else (5xx, throttling, network failure, timeout) rejects with a
 * `StorageError`.
 */
export interface Storage {
  getObject(req: GetRequest): Promise<GetResponse>;
  putObject(req: PutRequest): Promise<PutResponse>;
  deleteObject(req: DeleteRequest): Promise<DeleteResponse>;
  listObjects(req: ListRequest): Promise<ListResponse>;
}

export interface StorageErrorDetails {
  /** HTTP status when the store answered, undefined when it did not. */
  status?: number;
  /** S3 error code (`SlowDown`, `InternalError`, `NoSuchBucket`, `Timeout`, ...). */
  code: string;
  /** Worth retrying (5xx, throttling, network): the request may succeed later. */
  retryable: boolean;
  /**
   * The request may have been applied although it failed (lost response,
   * timeout, 500). Never true for a request known to be rejected unapplied.
   */
  ambiguous: boolean;
}

export class StorageError extends Error implements StorageErrorDetails {
  readonly status?: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly ambiguous: boolean;

  constructor(message: string, details: StorageErrorDetails) {
    super(message);
    this.name = "StorageError";
    this.status = details.status;
    this.code = details.code;
    this.retryable = details.retryable;
    this.ambiguous = details.ambiguous;
  }
}

/** A call to a `Storage`, tagged with its kind. */
export type StorageCall =
  | { kind: "get"; request: GetRequest }
  | { kind: "put"; request: PutRequest }
  | { kind: "delete"; request: DeleteRequest }
  | { kind: "list"; request: ListRequest };

/**
 * `inner` with every call handed to `around`, which makes it through `send`
 * and may wait, count, observe or hold it on the way.
 */
export function interceptStorage(
  inner: Storage,
  around: <R extends { date?: number }>(call: StorageCall, send: () => Promise<R>) => Promise<R>,
): Storage {
  return {
    getObject: (request) => around({ kind: "get", request }, () => inner.getObject(request)),
    putObject: (request) => around({ kind: "put", request }, () => inner.putObject(request)),
    deleteObject: (request) => around({ kind: "delete", request }, () => inner.deleteObject(request)),
    listObjects: (request) => around({ kind: "list", request }, () => inner.listObjects(request)),
  };
}
