import { StorageError } from "./storage.ts";

/** Query parameters of one request; undefined values are left out. */
export type Query = Readonly<Record<string, string | undefined>>;

/** The endpoint as a URL, or a TypeError saying what is wrong with it. */
export function parseEndpoint(endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    throw new TypeError(`FetchStorage endpoint must be an absolute http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  }
  return url;
}

/**
 * The URL of `key` in `bucket` (of the bucket itself when `key` is undefined),
 * path-style (`endpoint/bucket/key`) or virtual-hosted (`bucket.endpoint/key`).
 *
 * Key and query are percent-encoded exactly as SigV4 canonicalizes them, so
 * what is signed is what is sent.
 */
export function s3Url(endpoint: URL, pathStyle: boolean, bucket: string, key: string | undefined, query: Query = {}): URL {
  const url = new URL(endpoint);
  const base = url.pathname.replace(/\/+$/, "");
  const keyPath = key === undefined ? "" : `/${encodeKey(key)}`;
  if (pathStyle) {
    url.pathname = `${base}/${encodeRfc3986(bucket)}${keyPath}`;
  } else {
    url.hostname = `${bucket}.${url.hostname}`;
    url.pathname = `${base}${keyPath || "/"}`;
  }
  url.search = Object.entries(query)
    .flatMap(([name, value]) => (value === undefined ? [] : [`${encodeRfc3986(name)}=${encodeRfc3986(value)}`]))
    .join("&");
  return url;
}

function encodeKey(key: string): string {
  const segments = key.split("/");
  // URL parsing (in fetch too) collapses `.` and `..` segments, even percent-encoded: the request would name another key.
  if (key === "" || segments.some((segment) => segment === "." || segment === "..")) {
    throw new StorageError(`S3 key ${JSON.stringify(key)} cannot be sent in a fetch URL: it is empty or has a "." or ".." segment`, {
      code: "UnaddressableKey",
      retryable: false,
      ambiguous: false,
    });
  }
  return segments.map(encodeRfc3986).join("/");
}

/** `encodeURIComponent` plus the characters it leaves that RFC 3986 reserves. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
