/** Test support: a `fetch` that answers from a script, and a FetchStorage on it. */
import { FetchStorage, type FetchStorageConfig } from "./fetch-storage.ts";
import { socketError, type FakeOutcome, type RecordedRequest } from "./s3-fake-http-handler.ts";

/** Answers each request with the next outcome, failing as Node's fetch does when the outcome is a network failure. */
export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  /** The requests as fetch received them, signature and signal included. */
  readonly received: Request[] = [];
  private readonly outcomes: FakeOutcome[];

  constructor(...outcomes: FakeOutcome[]) {
    this.outcomes = outcomes;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    this.received.push(request);
    const url = new URL(request.url);
    this.requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    });
    const outcome = this.outcomes.shift();
    if (outcome === undefined) throw new Error("FakeFetch: no answer left");
    if ("networkError" in outcome) throw new TypeError("fetch failed", { cause: socketError(outcome.networkError) });
    return new Response(outcome.body === undefined || nullBodyStatus(outcome.status) ? null : outcome.body, {
      status: outcome.status,
      headers: outcome.headers,
    });
  };
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 304;
}

/** A FetchStorage on `fake`, path-style on http://store.test. */
export function fetchStorageAnswering(fake: FakeFetch, config: Partial<FetchStorageConfig> = {}): FetchStorage {
  return new FetchStorage({
    endpoint: "http://store.test",
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "s" },
    fetch: fake.fetch,
    ...config,
  });
}
