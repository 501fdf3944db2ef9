import type { ProbeContext } from "./probe-context.ts";
import { fail, pass, type Verdict } from "./probe-result.ts";
import { sameList, show, utf8Order } from "./probes-consistency.ts";

export const ODD_KEYS = [
  "&$@=;:+,?\\{^}%]>[~#|",
  "two  spaces and a trailing one ",
  "ключ/鍵/🔑/é",
  "<![CDATA[not markup]]>",
  "%2F%00+plus",
];

export async function oddKeys({ storage, bucket, prefix, statuses }: ProbeContext): Promise<Verdict> {
  const problems: string[] = [];
  for (const name of ODD_KEYS) {
    const key = `${prefix}${name}`;
    await statuses.track(storage.putObject({ bucket, key, body: name }));
    const read = await statuses.track(storage.getObject({ bucket, key }));
    if (read.status !== 200 || read.body !== name) problems.push(`GET ${JSON.stringify(name)} answered ${read.status}`);
  }
  const listing = await statuses.track(storage.listObjects({ bucket, prefix }));
  const listed = listing.contents.map((object) => object.key.slice(prefix.length));
  const expected = utf8Order(ODD_KEYS);
  if (!sameList(listed, expected)) problems.push(`LIST gave ${show(listed)}`);
  return problems.length === 0
    ? pass(`${ODD_KEYS.length} keys with reserved, XML and non-ASCII characters round-trip through PUT, GET and LIST`)
    : fail(problems.join("; "));
}
