/**
 * Why a write was not acknowledged. `outcome` tells what the caller may
 * assume: "not written" means no reader will ever see it; "unknown" means it
 * may or may not have been committed (like a timeout in any database).
 */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly outcome: "not written" | "unknown",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WriteError";
  }
}
