import { describe, expect, it } from "vitest";
import { FakeHttpHandler, s3ErrorXml, storageAnswering as answeringWith } from "./s3-fake-http-handler.ts";
import { ThrottlingRetryStrategy } from "./s3-throttling-retry-strategy.ts";

const OK = { status: 200, headers: { etag: '"e"' } };

const storageAnswering = (handler: FakeHttpHandler) => answeringWith(handler, { retryStrategy: new ThrottlingRetryStrategy(3) });

describe("ThrottlingRetryStrategy", () => {
  it("retries a 503 SlowDown until it succeeds", async () => {
    const handler = new FakeHttpHandler({ status: 503, body: s3ErrorXml("SlowDown") }, OK);
    expect(await storageAnswering(handler).putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" })).toEqual({
      status: 200,
      etag: '"e"',
    });
    expect(handler.requests).toHaveLength(2);
  });

  it("gives up after maxAttempts throttled answers", async () => {
    const slowDown = { status: 503, body: s3ErrorXml("SlowDown") };
    const handler = new FakeHttpHandler(slowDown, slowDown, slowDown, OK);
    await expect(storageAnswering(handler).putObject({ bucket: "b", key: "k", body: "v" })).rejects.toMatchObject({
      code: "SlowDown",
      retryable: true,
      ambiguous: false,
    });
    expect(handler.requests).toHaveLength(3);
  });

  it("does not retry a 500 on a conditional PUT: it may have been applied", async () => {
    const handler = new FakeHttpHandler({ status: 500, body: s3ErrorXml("InternalError") }, OK);
    await expect(
      storageAnswering(handler).putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" }),
    ).rejects.toMatchObject({ status: 500, code: "InternalError", retryable: true, ambiguous: true });
    expect(handler.requests).toHaveLength(1);
  });
});
