import type { ProbeContext } from "./probe-context.ts";
import { fail, notSupported, pass, type Verdict } from "./probe-result.ts";

/** Run on a bucket with versioning enabled. */
export async function versioning({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const key = `${prefix}object`;
  const first = await statuses.track(storage.putObject({ bucket, key, body: "one" }));
  const second = await statuses.track(storage.putObject({ bucket, key, body: "two" }));
  if (first.status !== 200 || second.status !== 200) return fail("PUT failed");
  if (first.versionId === undefined || second.versionId === undefined) {
    return notSupported("PUT on a versioned bucket returned no version id");
  }
  if (first.versionId === second.versionId) return fail(`two PUTs returned the same version id ${first.versionId}`);
  const old = await statuses.track(storage.getObject({ bucket, key, versionId: first.versionId }));
  if (old.status !== 200 || old.body !== "one" || old.versionId !== first.versionId) {
    return fail(`GET by the first version id answered ${old.status === 200 ? JSON.stringify(old.body) : old.status}`);
  }
  const latest = await statuses.track(storage.getObject({ bucket, key }));
  if (latest.status !== 200 || latest.body !== "two" || latest.versionId !== second.versionId) {
    return fail("GET without version id did not return the latest version");
  }
  return pass("each PUT gets its own version id; GET by id returns that version, GET without the latest");
}
