/**
 * The subset of the S3 API the protocol speaks, as plain data.
 *
 * Requests are what the protocol asks for; responses are what a `Storage`
 * (simulator, AWS SDK adapter, fault wrapper) answers. Expected S3 outcomes
 * (304, 404, 412, 409) are responses, not exceptions: the protocol branches on
 * them. Times are milliseconds since the Unix epoch, as the store reports them.
 */

export interface GetRequest {
  bucket: string;
  key: string;
  /** Read this version of a versioned object. */
  versionId?: string;
  /** An ETag: answer 304 when the current object still has it. */
  ifNoneMatch?: string;
}

export interface PutRequest {
  bucket: string;
  key: string;
  body: string;
  contentType?: string;
  /** `"*"`: create only; answer 412 when the key exists (CAS mode). */
  ifNoneMatch?: "*";
  /** An ETag: replace only while the current object has it, else 412. */
  ifMatch?: string;
}

export interface DeleteRequest {
  bucket: string;
  key: string;
  versionId?: string;
}

export interface ListRequest {
  bucket: string;
  prefix: string;
  startAfter?: string;
  /** At most 1,000, as S3 caps it. */
  maxKeys?: number;
  continuationToken?: string;
}

/** Every response may carry the store's `Date` header (often whole seconds). */
interface Dated {
  date?: number;
}

export type GetResponse =
  | (Dated & {
      status: 200;
      body: string;
      etag: string;
      versionId?: string;
      lastModified: number;
    })
  | (Dated & { status: 304; etag?: string })
  | (Dated & { status: 404 });

export type PutResponse =
  | (Dated & { status: 200; etag: string; versionId?: string })
  /** 412: a precondition did not hold; 409: a concurrent conditional write won. */
  | (Dated & { status: 412 | 409 });

export type DeleteResponse = Dated & { status: 204; versionId?: string };

export interface ListedObject {
  key: string;
  etag: string;
  lastModified: number;
  size: number;
}

export type ListResponse = Dated & {
  status: 200;
  contents: ListedObject[];
  isTruncated: boolean;
  nextContinuationToken?: string;
};

export const S3_MAX_KEYS = 1000;
