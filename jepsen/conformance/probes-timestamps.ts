import { HeadObjectCommand } from "@aws-sdk/client-s3";
import type { ProbeContext } from "./probe-context.ts";
import { fail, pass, type Verdict } from "./probe-result.ts";

const SAMPLES = 6;

/** Whether the store sends `Date`, at what precision, and how far its clock is from ours. */
export async function dateHeader({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const key = `${prefix}object`;
  await statuses.track(storage.putObject({ bucket, key, body: "x" }));
  const samples: { date?: number; localMidpoint: number }[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const before = Date.now();
    // Alternate found and missing keys: the protocol reads Date from both kinds of answer.
    const response = await statuses.track(storage.getObject({ bucket, key: i % 2 === 0 ? key : `${key}-missing` }));
    samples.push({ date: response.date, localMidpoint: (before + Date.now()) / 2 });
  }
  const dated = samples.flatMap(({ date, localMidpoint }) => (date === undefined ? [] : [{ date, localMidpoint }]));
  if (dated.length < samples.length) {
    return fail(`Date header missing on ${samples.length - dated.length} of ${samples.length} responses`);
  }
  const wholeSeconds = dated.every(({ date }) => date % 1000 === 0);
  // A whole-second Date is the server time rounded down: on average 500 ms early.
  const correction = wholeSeconds ? 500 : 0;
  const skews = dated.map(({ date, localMidpoint }) => date + correction - localMidpoint).sort((a, b) => a - b);
  const median = Math.round(skews[Math.floor(skews.length / 2)] ?? 0);
  const precision = wholeSeconds ? "whole seconds" : "milliseconds";
  const bound = wholeSeconds ? " (±0.5 s)" : "";
  return pass(
    `Date on ${dated.length}/${samples.length} responses (200 and 404), ${precision}; store clock − local clock ≈ ${signed(median)} ms${bound}`,
  );
}

/** LastModified as LIST, GET and HEAD report it: precision and agreement. */
export async function lastModifiedPrecision({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const keys = Array.from({ length: SAMPLES }, (_, i) => `${prefix}${i}`);
  for (const key of keys) await statuses.track(storage.putObject({ bucket, key, body: key }));
  const listing = await statuses.track(storage.listObjects({ bucket, prefix }));
  const fromList = new Map(listing.contents.map((object) => [object.key, object.lastModified]));
  const rows = [];
  for (const key of keys) {
    const read = await statuses.track(storage.getObject({ bucket, key }));
    const head = await storage.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    statuses.note(head.$metadata.httpStatusCode);
    rows.push({
      key,
      list: fromList.get(key),
      get: read.status === 200 ? read.lastModified : undefined,
      head: head.LastModified?.getTime(),
    });
  }
  const precisionOf = (values: (number | undefined)[]) =>
    values.some((ms) => ms === undefined)
      ? "missing"
      : values.some((ms) => (ms ?? 0) % 1000 !== 0)
        ? "milliseconds"
        : "whole seconds";
  const summary = `LIST: ${precisionOf(rows.map((row) => row.list))}; GET: ${precisionOf(rows.map((row) => row.get))}; HEAD: ${precisionOf(rows.map((row) => row.head))}`;
  const second = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));
  const disagreeing = rows.filter(
    (row) => second(row.list) === undefined || second(row.list) !== second(row.get) || second(row.get) !== second(row.head),
  );
  if (disagreeing.length > 0) {
    return fail(`${summary}; they disagree beyond truncation to seconds on ${disagreeing.length} of ${rows.length} keys`);
  }
  return pass(`${summary}; all agree to the second`);
}

function signed(ms: number): string {
  return ms > 0 ? `+${ms}` : String(ms);
}
