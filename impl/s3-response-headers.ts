import type { $Command } from "@aws-sdk/client-s3";

export type ResponseHeaders = Readonly<Record<string, string | undefined>>;

/**
 * Records the raw headers of the last HTTP response the command receives,
 * success or error. The SDK parses neither `Date` nor, on a 304, `ETag`.
 * Returns a getter; it yields `{}` until a response has arrived.
 */
export function captureResponseHeaders<I extends object, O extends object>(
  command: $Command<I, O & { $metadata: object }, unknown>,
): () => ResponseHeaders {
  let headers: ResponseHeaders = {};
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      headers = headersOf(result.response);
      return result;
    },
    // Low priority in the deserialize step runs inside the deserializer, on the raw response.
    { step: "deserialize", priority: "low", name: "captureResponseHeaders" },
  );
  return () => headers;
}

function headersOf(response: unknown): ResponseHeaders {
  if (typeof response !== "object" || response === null || !("headers" in response)) return {};
  const { headers } = response;
  return typeof headers === "object" && headers !== null ? (headers as ResponseHeaders) : {};
}

/** An HTTP date (`Date`, whole seconds) in ms since the epoch. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
