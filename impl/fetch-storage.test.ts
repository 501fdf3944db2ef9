/** FetchStorage beyond the shared contract (storage-contract.ts): signing, URLs, timeouts, browser hints. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeFetch, fetchStorageAnswering } from "./fetch-storage-fake-fetch.ts";
import { FetchStorage } from "./fetch-storage.ts";
import { StorageError } from "./storage.ts";

const OK_PUT = { status: 200, headers: { etag: '"e"' } };
const EMPTY_LIST = { status: 200, body: "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>" };

function listWith(inner: string) {
  return { status: 200, body: `<ListBucketResult>${inner}<IsTruncated>false</IsTruncated></ListBucketResult>` };
}

function object(key: string): string {
  return `<Contents><Key>${key}</Key><LastModified>2026-03-01T12:00:00.000Z</LastModified><ETag>"e"</ETag><Size>1</Size></Contents>`;
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("configuration", () => {
  it.each(["", "store.test", "/relative", "ftp://store.test", "file:///tmp/x"])(
    "rejects the endpoint %j with a TypeError naming it",
    (endpoint) => {
      expect(() => fetchStorageAnswering(new FakeFetch(), { endpoint })).toThrow(
        new TypeError(`FetchStorage endpoint must be an absolute http:// or https:// URL, got ${JSON.stringify(endpoint)}`),
      );
    },
  );

  it("keeps the endpoint's own path before the bucket", async () => {
    const fake = new FakeFetch(OK_PUT);
    await fetchStorageAnswering(fake, { endpoint: "https://gw.test:8443/s3/" }).putObject({ bucket: "b", key: "k", body: "" });
    expect(fake.received[0]?.url).toBe("https://gw.test:8443/s3/b/k");
  });

  it("puts the bucket in the host name when not path-style", async () => {
    const fake = new FakeFetch(OK_PUT, EMPTY_LIST);
    const storage = fetchStorageAnswering(fake, { endpoint: "https://s3.eu-west-1.amazonaws.com", forcePathStyle: false });
    await storage.putObject({ bucket: "my-bucket", key: "a/b", body: "" });
    await storage.listObjects({ bucket: "my-bucket", prefix: "a/" });
    expect(fake.received.map((request) => new URL(request.url).origin + new URL(request.url).pathname)).toEqual([
      "https://my-bucket.s3.eu-west-1.amazonaws.com/a/b",
      "https://my-bucket.s3.eu-west-1.amazonaws.com/",
    ]);
  });

  it("uses the global fetch when none is given", async () => {
    const fake = new FakeFetch(OK_PUT);
    vi.stubGlobal("fetch", fake.fetch);
    const storage = new FetchStorage({ endpoint: "http://store.test", region: "r", credentials: { accessKeyId: "a", secretAccessKey: "s" } });
    expect(await storage.putObject({ bucket: "b", key: "k", body: "v" })).toMatchObject({ status: 200 });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("requests", () => {
  it("are SigV4-signed for s3 in the region, with an unsigned payload and the session token", async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 2, 1, 12, 0, 7), toFake: ["Date"] });
    const fake = new FakeFetch(OK_PUT);
    const credentials = { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" };
    await fetchStorageAnswering(fake, { region: "eu-west-1", credentials }).putObject({ bucket: "b", key: "k", body: "v" });
    const headers = fake.requests[0]!.headers;
    expect(headers).toMatchObject({
      "x-amz-date": "20260301T120007Z",
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "x-amz-security-token": "token",
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260301\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it("bypass the HTTP cache", async () => {
    const fake = new FakeFetch({ status: 404 });
    await fetchStorageAnswering(fake).getObject({ bucket: "b", key: "k" });
    expect(fake.received[0]?.cache).toBe("no-store");
  });

  it("ask for URL-encoded keys in listings", async () => {
    const fake = new FakeFetch(EMPTY_LIST);
    await fetchStorageAnswering(fake).listObjects({ bucket: "b", prefix: "p" });
    expect(fake.requests[0]?.query).toMatchObject({ "encoding-type": "url" });
  });

  it.each(["", ".", "..", "a/./b", "a/../b", "../a", "a/.."])("refuse the key %j, which a URL cannot carry, sending nothing", async (key) => {
    const fake = new FakeFetch();
    const error = await rejection(fetchStorageAnswering(fake).putObject({ bucket: "b", key, body: "" }));
    expect(error).toMatchObject({ code: "UnaddressableKey", retryable: false, ambiguous: false });
    expect(fake.requests).toEqual([]);
  });

  it.each([".hidden", "..backup", "a/.../b", "a//b", "trailing/"])("carry the key %j as it is", async (key) => {
    const fake = new FakeFetch(OK_PUT);
    await fetchStorageAnswering(fake).putObject({ bucket: "b", key, body: "" });
    expect(decodeURIComponent(fake.requests[0]!.path)).toBe(`/b/${key}`);
  });
});

describe("listing keys", () => {
  it("decodes URL-encoded keys when the answer says they are", async () => {
    const fake = new FakeFetch(listWith(`<EncodingType>url</EncodingType>${object("a+b%2Bc%0D%0A%26%25")}`));
    const page = await fetchStorageAnswering(fake).listObjects({ bucket: "b", prefix: "" });
    expect(page.contents.map((listed) => listed.key)).toEqual(["a b+c\r\n&%"]);
  });

  it("takes keys as they are when the store ignored the encoding type", async () => {
    const fake = new FakeFetch(listWith(object("a+b%2B")));
    const page = await fetchStorageAnswering(fake).listObjects({ bucket: "b", prefix: "" });
    expect(page.contents.map((listed) => listed.key)).toEqual(["a+b%2B"]);
  });

  it.each([
    ["another root element", { status: 200, body: "<Error><Code>X</Code></Error>" }],
    ["a Contents without Key", listWith('<Contents><ETag>"e"</ETag><LastModified>2026-03-01T12:00:00Z</LastModified></Contents>')],
    ["an unparsable LastModified", listWith('<Contents><Key>k</Key><ETag>"e"</ETag><LastModified>soon</LastModified></Contents>')],
    ["a negative Size", listWith('<Contents><Key>k</Key><ETag>"e"</ETag><LastModified>2026-03-01T12:00:00Z</LastModified><Size>-1</Size></Contents>')],
    ["a badly encoded key", listWith(`<EncodingType>url</EncodingType>${object("%E0%A4%A")}`)],
  ])("rejects a listing with %s as malformed", async (_, answer) => {
    const error = await rejection(fetchStorageAnswering(new FakeFetch(answer)).listObjects({ bucket: "b", prefix: "" }));
    expect(error).toMatchObject({ code: "MalformedResponse", retryable: false, ambiguous: false });
  });
});

describe("timeouts", () => {
  /** The abort signal of each request fetch received; signing (Web Crypto) takes real time before that. */
  const received: AbortSignal[] = [];

  async function untilReceived(count: number): Promise<void> {
    while (received.length < count) await new Promise((resolve) => setImmediate(resolve));
  }

  function receive(init: RequestInit | undefined, fail: (error: unknown) => void): void {
    const signal = init?.signal;
    if (!signal) throw new Error("request without an abort signal");
    received.push(signal);
    signal.addEventListener("abort", () => fail(new DOMException("aborted", "AbortError")));
  }

  /** A store that accepted the connection and went silent. */
  const silentFetch: typeof fetch = (_, init) => new Promise((_, reject) => receive(init, reject));

  /** A store that sent the headers and went silent. */
  const stalledBody: typeof fetch = async (_, init) => {
    const body = new ReadableStream({ start: (controller) => receive(init, (error) => controller.error(error)) });
    return new Response(body, { status: 200, headers: { etag: '"e"', "last-modified": "Sun, 01 Mar 2026 12:00:00 GMT" } });
  };

  function storageOn(answer: typeof fetch, requestTimeoutMs?: number): FetchStorage {
    return new FetchStorage({ endpoint: "http://store.test", region: "r", credentials: { accessKeyId: "a", secretAccessKey: "s" }, fetch: answer, requestTimeoutMs });
  }

  afterEach(() => {
    received.length = 0;
  });

  it("give up on a silent store after requestTimeoutMs: ambiguous for a write, not for a read", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const storage = storageOn(silentFetch, 5_000);
    let settled = 0;
    const put = rejection(storage.putObject({ bucket: "b", key: "k", body: "v" })).finally(() => settled++);
    const get = rejection(storage.getObject({ bucket: "b", key: "k" })).finally(() => settled++);
    await untilReceived(2);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await put).toMatchObject({ code: "Timeout", status: undefined, retryable: true, ambiguous: true });
    expect(await get).toMatchObject({ code: "Timeout", retryable: true, ambiguous: false });
    expect((await put).message).toBe("S3 write failed: no complete answer from http://store.test within 5000 ms");
  });

  it("cover reading the body, 30 s by default", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let settled = false;
    const get = rejection(storageOn(stalledBody).getObject({ bucket: "b", key: "k" })).finally(() => (settled = true));
    await untilReceived(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await get).toMatchObject({ code: "Timeout" });
  });
});

describe("error messages", () => {
  const browserFailure: typeof fetch = () => Promise.reject(new TypeError("Failed to fetch"));

  function pageAt(origin: string) {
    vi.stubGlobal("window", { location: { origin } });
  }

  it("name the socket failure in Node", async () => {
    const refused = await rejection(fetchStorageAnswering(new FakeFetch({ networkError: "ECONNREFUSED" })).getObject({ bucket: "b", key: "k" }));
    const unknown = await rejection(fetchStorageAnswering(new FakeFetch({ networkError: "ENOTFOUND" })).getObject({ bucket: "b", key: "k" }));
    expect(refused.message).toBe("S3 read failed: connection refused (ECONNREFUSED) reaching http://store.test");
    expect(unknown.message).toBe("S3 read failed: unknown host (ENOTFOUND) reaching http://store.test");
  });

  it("say in a cross-origin browser page that CORS is the likely cause and what to allow", async () => {
    pageAt("https://app.example");
    const error = await rejection(fetchStorageAnswering(new FakeFetch(), { fetch: browserFailure }).putObject({ bucket: "b", key: "k", body: "v" }));
    expect(error).toMatchObject({ code: "NetworkError", retryable: true, ambiguous: true });
    expect(error.message).toBe(
      "S3 write failed: network error (TypeError: Failed to fetch) reaching http://store.test. " +
        "The browser tells no more; from this page (https://app.example) the likely cause is the bucket's CORS rules. " +
        "Allow origin https://app.example, allowed methods GET, PUT, DELETE, HEAD; allowed headers *; " +
        "exposed headers ETag, Date, x-amz-version-id, Last-Modified",
    );
  });

  it("do not blame CORS for a same-origin endpoint", async () => {
    pageAt("http://store.test");
    const error = await rejection(fetchStorageAnswering(new FakeFetch(), { fetch: browserFailure }).getObject({ bucket: "b", key: "k" }));
    expect(error.message).toBe("S3 read failed: network error (TypeError: Failed to fetch) reaching http://store.test");
  });

  it("say in a cross-origin browser page that a missing ETag is likely not exposed by CORS", async () => {
    pageAt("https://app.example");
    const error = await rejection(fetchStorageAnswering(new FakeFetch({ status: 200 })).putObject({ bucket: "b", key: "k", body: "v" }));
    expect(error).toMatchObject({ code: "MalformedResponse", ambiguous: true });
    expect(error.message).toMatch(/^S3 response lacks the ETag header; a browser hides response headers that the bucket's CORS rules do not expose \(.*exposed headers ETag, Date/);
  });

  it("carry the S3 error message", async () => {
    const answer = { status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" };
    const error = await rejection(fetchStorageAnswering(new FakeFetch(answer)).getObject({ bucket: "b", key: "k" }));
    expect(error.message).toBe("S3 read failed: AccessDenied (HTTP 403): Access Denied");
  });

  it("name the status of an error answer without an S3 error body", async () => {
    const error = await rejection(fetchStorageAnswering(new FakeFetch({ status: 502, body: "<html>Bad Gateway</html>" })).getObject({ bucket: "b", key: "k" }));
    expect(error).toMatchObject({ status: 502, code: "Http502" });
  });
});
