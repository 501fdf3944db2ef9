import { describe } from "vitest";
import { FakeFetch, fetchStorageAnswering } from "./fetch-storage-fake-fetch.ts";
import { FakeHttpHandler, storageAnswering } from "./s3-fake-http-handler.ts";
import { storageContract } from "./storage-contract.ts";

describe("S3Storage (AWS SDK) through a fake HTTP handler", () => {
  storageContract((...outcomes) => {
    const handler = new FakeHttpHandler(...outcomes);
    // One attempt: each request meets one scripted answer (throttling retries are the SDK's own, tested with it).
    return { storage: storageAnswering(handler, { maxAttempts: 1 }), requests: handler.requests };
  });
});

describe("FetchStorage through a fake fetch", () => {
  storageContract((...outcomes) => {
    const fake = new FakeFetch(...outcomes);
    return { storage: fetchStorageAnswering(fake), requests: fake.requests };
  });
});
