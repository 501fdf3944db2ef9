import type { PutResponse } from "../../impl/storage.ts";
import { StorageError } from "../../impl/storage.ts";
import { countStatuses, statusOf, type ProbeContext } from "./probe-context.ts";
import { fail, notSupported, pass, type Verdict } from "./probe-result.ts";

const RACERS = 10;
const STALE_ETAG = '"00000000000000000000000000000000"';
const LOSING_STATUSES = new Set([409, 412]);
/** A store that does not implement a conditional header says so with 501 NotImplemented. */
const NOT_IMPLEMENTED = 501;

export async function etag304({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const key = `${prefix}object`;
  const put = await statuses.track(storage.putObject({ bucket, key, body: "cached" }));
  if (put.status !== 200) return fail(`PUT answered ${put.status}`);
  const read = await statuses.track(storage.getObject({ bucket, key }));
  if (read.status !== 200 || read.etag !== put.etag) {
    return fail(`GET ETag ${read.status === 200 ? read.etag : read.status} differs from PUT ETag ${put.etag}`);
  }
  const current = await statuses.track(storage.getObject({ bucket, key, ifNoneMatch: put.etag }));
  if (current.status !== 304) return fail(`If-None-Match with the current ETag answered ${current.status}, not 304`);
  const stale = await statuses.track(storage.getObject({ bucket, key, ifNoneMatch: STALE_ETAG }));
  if (stale.status !== 200) return fail(`If-None-Match with a stale ETag answered ${stale.status}, not 200`);
  const etagOn304 = current.etag === undefined ? "without an ETag header" : "with the ETag header";
  return pass(`PUT and GET agree on the ETag; 304 (${etagOn304}) for the current one, 200 for a stale one`);
}

export async function conditionalCreate({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const key = `${prefix}object`;
  const first = await statuses.settle(storage.putObject({ bucket, key, body: "first", ifNoneMatch: "*" }));
  if (first.status === 412) return fail("create of a new key answered 412");
  if (first.status !== 200) return unsupportedHeader("If-None-Match: *", first);
  const second = await statuses.settle(storage.putObject({ bucket, key, body: "second", ifNoneMatch: "*" }));
  if (second.status === 200) {
    return fail("WARNING: If-None-Match: * silently ignored: a second create overwrote the existing object");
  }
  if (statusOf(second) === NOT_IMPLEMENTED) return unsupportedHeader("If-None-Match: * on an existing key", second);
  if (!LOSING_STATUSES.has(statusOf(second))) return fail(`create of an existing key answered ${describeOutcome(second)}`);
  return pass(`create of a new key 200; of an existing key ${second.status}`);
}

export async function conditionalReplace(ctx: ProbeContext): Promise<Verdict> {
  const { storage, bucket, prefix, statuses } = ctx;
  const key = `${prefix}object`;
  await statuses.track(storage.putObject({ bucket, key, body: "base" }));
  const stale = await statuses.settle(storage.putObject({ bucket, key, body: "stale", ifMatch: STALE_ETAG }));
  if (stale.status === 200) return fail("WARNING: If-Match silently ignored: a stale ETag replaced the object");
  if (!LOSING_STATUSES.has(statusOf(stale))) return unsupportedHeader("If-Match", stale);
  const current = await statuses.track(storage.getObject({ bucket, key }));
  if (current.status !== 200) return fail(`GET after PUT answered ${current.status}`);
  const match = await findMatchingEtagForm(ctx, key, current.etag);
  if (match === "quoted") return pass(`stale ETag ${stale.status}; the current ETag, as returned, replaces`);
  if (match === "unquoted") {
    return fail("If-Match matches only the unquoted ETag; the quoted ETag the store itself returned answers 412");
  }
  return fail("If-Match always fails: the current ETag, quoted or not, answers 412");
}

export async function exclusiveCreate(ctx: ProbeContext): Promise<Verdict> {
  const { storage, bucket, prefix, statuses } = ctx;
  const key = `${prefix}object`;
  const outcomes = await race(RACERS, (i) =>
    statuses.settle(storage.putObject({ bucket, key, body: `racer ${i}`, ifNoneMatch: "*" })),
  );
  return judgeRace("creates", outcomes, await winnerBody(ctx, key));
}

export async function ifMatchRace(ctx: ProbeContext): Promise<Verdict> {
  const { storage, bucket, prefix, statuses } = ctx;
  const key = `${prefix}object`;
  const base = await statuses.track(storage.putObject({ bucket, key, body: "base" }));
  if (base.status !== 200) return fail(`PUT answered ${base.status}`);
  const form = await findMatchingEtagForm(ctx, key, base.etag);
  if (form === undefined) return notSupported("If-Match never matches here; no race to run");
  const current = await statuses.track(storage.getObject({ bucket, key }));
  if (current.status !== 200) return fail(`GET after PUT answered ${current.status}`);
  const ifMatch = form === "quoted" ? current.etag : unquote(current.etag);
  const outcomes = await race(RACERS, (i) =>
    statuses.settle(storage.putObject({ bucket, key, body: `racer ${i}`, ifMatch })),
  );
  const verdict = judgeRace("replaces", outcomes, await winnerBody(ctx, key));
  return form === "quoted" ? verdict : { ...verdict, detail: `${verdict.detail} (with unquoted ETags)` };
}

type PutOutcome = PutResponse | StorageError;

/** Which spelling of the current ETag an If-Match PUT accepts; the object changes when one does. */
async function findMatchingEtagForm(
  { storage, bucket, statuses }: ProbeContext,
  key: string,
  etag: string,
): Promise<"quoted" | "unquoted" | undefined> {
  const quoted = await statuses.settle(storage.putObject({ bucket, key, body: "replaced", ifMatch: etag }));
  if (quoted.status === 200) return "quoted";
  const unquoted = await statuses.settle(storage.putObject({ bucket, key, body: "replaced", ifMatch: unquote(etag) }));
  return unquoted.status === 200 ? "unquoted" : undefined;
}

async function race(n: number, put: (i: number) => Promise<PutOutcome>): Promise<PutOutcome[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => put(i)));
}

async function winnerBody({ storage, bucket, statuses }: ProbeContext, key: string): Promise<string | undefined> {
  const read = await statuses.track(storage.getObject({ bucket, key }));
  return read.status === 200 ? read.body : undefined;
}

function judgeRace(what: string, outcomes: readonly PutOutcome[], finalBody: string | undefined): Verdict {
  const statuses = outcomes.map(statusOf);
  const winners = statuses.flatMap((status, i) => (status === 200 ? [i] : []));
  const summary = `${outcomes.length} concurrent conditional ${what}: ${countStatuses(statuses)}; object holds ${JSON.stringify(finalBody)}`;
  if (winners.length > 1) return fail(`WARNING: ${winners.length} won, updates lost. ${summary}`);
  if (statuses.includes(NOT_IMPLEMENTED)) return notSupported(`the store does not implement conditional ${what} (501 NotImplemented). ${summary}`);
  const ambiguous = statuses.filter((status) => !LOSING_STATUSES.has(status) && status !== 200);
  if (ambiguous.length > 0) return fail(`${ambiguous.length} answered with errors instead of 412. ${summary}`);
  if (winners.length === 0) return fail(`none won. ${summary}`);
  if (finalBody !== `racer ${winners[0]}`) return fail(`the object does not hold the winner's body. ${summary}`);
  return pass(`exactly one won. ${summary}`);
}

function unsupportedHeader(header: string, outcome: PutOutcome): Verdict {
  return notSupported(`${header} answered ${describeOutcome(outcome)}`);
}

function describeOutcome(outcome: PutOutcome): string {
  return outcome instanceof StorageError ? outcome.message : String(outcome.status);
}

function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, "$1");
}
