import { describe, expect, it } from "vitest";
import { FakeHttpHandler, s3ErrorXml, storageAnswering as answeringWith } from "./s3-fake-http-handler.ts";
import { parseHttpDate } from "./s3-response-headers.ts";

const DATE = "Sun, 01 Mar 2026 12:00:07 GMT";
const DATE_MS = Date.UTC(2026, 2, 1, 12, 0, 7);

const storageAnswering = (handler: FakeHttpHandler) => answeringWith(handler, { maxAttempts: 1 });

describe("captureResponseHeaders through the SDK", () => {
  it("reads the Date header of a successful GET", async () => {
    const handler = new FakeHttpHandler({
      status: 200,
      headers: { date: DATE, etag: '"e1"', "last-modified": DATE },
      body: "hi",
    });
    expect(await storageAnswering(handler).getObject({ bucket: "b", key: "k" })).toMatchObject({
      status: 200,
      body: "hi",
      date: DATE_MS,
    });
  });

  it("reads Date and ETag of a 304, which the SDK throws as Unknown", async () => {
    const handler = new FakeHttpHandler({ status: 304, headers: { date: DATE, etag: '"e1"' } });
    expect(await storageAnswering(handler).getObject({ bucket: "b", key: "k", ifNoneMatch: '"e1"' })).toEqual({
      status: 304,
      etag: '"e1"',
      date: DATE_MS,
    });
    expect(handler.requests[0]?.headers["if-none-match"]).toBe('"e1"');
  });

  it("reads the Date header of a 412", async () => {
    const handler = new FakeHttpHandler({ status: 412, headers: { date: DATE }, body: s3ErrorXml("PreconditionFailed") });
    expect(await storageAnswering(handler).putObject({ bucket: "b", key: "k", body: "v", ifNoneMatch: "*" })).toEqual({
      status: 412,
      date: DATE_MS,
    });
    expect(handler.requests[0]?.headers["if-none-match"]).toBe("*");
  });

  it("leaves date undefined when the store sends none", async () => {
    const handler = new FakeHttpHandler({ status: 200, headers: { etag: '"e2"' } });
    const response = await storageAnswering(handler).putObject({ bucket: "b", key: "k", body: "v" });
    expect(response).toEqual({ status: 200, etag: '"e2"' });
  });
});

describe("parseHttpDate", () => {
  it("parses an IMF-fixdate to ms and rejects garbage", () => {
    expect(parseHttpDate(DATE)).toBe(DATE_MS);
    expect(parseHttpDate("not a date")).toBeUndefined();
    expect(parseHttpDate(undefined)).toBeUndefined();
  });
});
