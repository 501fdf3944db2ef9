import { StandardRetryStrategy } from "@smithy/core/retry";

type RetryToken = Awaited<ReturnType<StandardRetryStrategy["acquireInitialRetryToken"]>>;
type RetryErrorInfo = Parameters<StandardRetryStrategy["refreshRetryTokenForRetry"]>[1];

/**
 * The SDK's standard strategy (exponential backoff with jitter, retry quota),
 * restricted to throttling answers (429, 503 SlowDown, ...), which S3 gives
 * before applying anything.
 *
 * Transient and server errors are not retried here: a conditional PUT whose
 * first attempt was applied but answered 500 or lost would, on retry, answer
 * 412 and pass its own write off as a rival's. Those errors surface as
 * `StorageError` with `ambiguous` set so the protocol decides.
 */
export class ThrottlingRetryStrategy extends StandardRetryStrategy {
  override async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (errorInfo.errorType !== "THROTTLING") {
      throw new Error(`not retrying a ${errorInfo.errorType} error`);
    }
    return super.refreshRetryTokenForRetry(token, errorInfo);
  }
}
