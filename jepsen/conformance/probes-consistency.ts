import { mapBounded } from "../../impl/s3-parallel.ts";
import type { ListResponse } from "../../impl/storage.ts";
import type { ProbeContext } from "./probe-context.ts";
import { fail, pass, type Verdict } from "./probe-result.ts";

const ROUNDS = 10;
const PAGINATION_OBJECTS = 1_001;
const PUT_CONCURRENCY = 32;

export async function readAfterWrite({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const key = `${prefix}object`;
  const stale: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const body = `round ${round}`;
    await statuses.track(storage.putObject({ bucket, key, body }));
    const read = await statuses.track(storage.getObject({ bucket, key }));
    if (read.status !== 200 || read.body !== body) stale.push(round);
  }
  return stale.length === 0
    ? pass(`${ROUNDS} overwrites, each read back at once`)
    : fail(`stale or missing read after ${stale.length} of ${ROUNDS} overwrites (rounds ${stale.join(", ")})`);
}

export async function listAfterWrite({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const problems: string[] = [];
  const listed = async () =>
    (await statuses.track(storage.listObjects({ bucket, prefix }))).contents.map((object) => object.key);
  for (let round = 0; round < ROUNDS; round++) {
    const key = `${prefix}${String(round).padStart(2, "0")}`;
    await statuses.track(storage.putObject({ bucket, key, body: "x" }));
    if (!(await listed()).includes(key)) problems.push(`${key} missing after PUT`);
  }
  const deleted = `${prefix}00`;
  await statuses.track(storage.deleteObject({ bucket, key: deleted }));
  if ((await listed()).includes(deleted)) problems.push(`${deleted} still listed after DELETE`);
  return problems.length === 0
    ? pass(`${ROUNDS} PUTs and a DELETE, each visible in the next LIST`)
    : fail(problems.join("; "));
}

/** Keys whose UTF-8 byte order differs from JavaScript's UTF-16 order and from case-insensitive order. */
const ORDER_KEYS = ["a", "B", "a b", "a-b", "a/b", "ab", "é", "\u{FF5E}", "\u{1F600}", "z"];

export function utf8Order(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

export async function listOrder({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  await Promise.all(
    ORDER_KEYS.map((key) => statuses.track(storage.putObject({ bucket, key: `${prefix}${key}`, body: key }))),
  );
  const expected = utf8Order(ORDER_KEYS);
  const listOf = async (startAfter?: string) =>
    (await statuses.track(storage.listObjects({ bucket, prefix, startAfter }))).contents.map((object) =>
      object.key.slice(prefix.length),
    );
  const all = await listOf();
  if (!sameList(all, expected)) return fail(`LIST order ${show(all)}, UTF-8 byte order is ${show(expected)}`);
  const after = "a-b";
  const fromStart = await listOf(`${prefix}${after}`);
  const expectedFromStart = expected.slice(expected.indexOf(after) + 1);
  if (!sameList(fromStart, expectedFromStart)) {
    return fail(`StartAfter "${after}" gave ${show(fromStart)}, expected ${show(expectedFromStart)}`);
  }
  return pass(`${ORDER_KEYS.length} keys listed in UTF-8 byte order; StartAfter skips exactly the earlier keys`);
}

export async function pagination({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const keys = Array.from({ length: PAGINATION_OBJECTS }, (_, i) => `${prefix}${String(i).padStart(5, "0")}`);
  await mapBounded(keys, PUT_CONCURRENCY, (key) => statuses.track(storage.putObject({ bucket, key, body: "" })));
  const pages: ListResponse[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await statuses.track(storage.listObjects({ bucket, prefix, continuationToken }));
    pages.push(page);
    continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
    if (page.isTruncated && continuationToken === undefined) return fail("truncated page without a continuation token");
  } while (continuationToken !== undefined && pages.length <= keys.length);
  const sizes = pages.map((page) => page.contents.length);
  const listed = pages.flatMap((page) => page.contents.map((object) => object.key));
  if (sizes[0] !== 1_000) return fail(`first page held ${sizes[0]} keys, not 1,000 (pages: ${sizes.join(", ")})`);
  if (!sameList(listed, keys)) {
    return fail(`${listed.length} keys over ${pages.length} pages, expected ${keys.length} in order without repeats`);
  }
  return pass(`${keys.length} keys in pages of ${sizes.join(" + ")}, in order, none repeated`);
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export function show(keys: readonly string[]): string {
  return JSON.stringify(keys);
}
