import { allowedTransitions, type Lifecycle } from "./lifecycle.ts";

/**
 * A lifecycle as the protocol document shows it: a Mermaid state diagram
 * and the table it is drawn from, so the document cannot drift from the code.
 */
export function lifecycleMarkdown(lifecycle: Lifecycle): string {
  const pairs = allowedTransitions(lifecycle);
  const finals = Object.entries(lifecycle.transitions as Record<string, object>)
    .filter(([, events]) => Object.keys(events).length === 0)
    .map(([state]) => state);
  const first = Object.keys(lifecycle.transitions)[0]!;
  return [
    `### The ${lifecycle.name} lifecycle`,
    "",
    "```mermaid",
    "stateDiagram-v2",
    `  [*] --> ${first}`,
    ...pairs.map(({ from, event, to }) => `  ${from} --> ${to}: ${event}`),
    ...finals.map((state) => `  ${state} --> [*]`),
    "```",
    "",
    "| state | event | next state |",
    "|---|---|---|",
    ...pairs.map(({ from, event, to }) => `| ${from} | ${event} | ${to} |`),
    "",
    `Final states: ${finals.join(", ")}. Any other event in any state is a \`ProtocolError\` and changes nothing.`,
  ].join("\n");
}

export const LIFECYCLES_BEGIN = "<!-- lifecycles: generated from protocol/lifecycles.ts by `npm run docs:lifecycles`; do not edit -->";
export const LIFECYCLES_END = "<!-- end of generated lifecycles -->";

/** `document` with the text between the markers replaced by the lifecycles' sections. */
export function withLifecycles(document: string, lifecycles: readonly Lifecycle[]): string {
  const begin = document.indexOf(LIFECYCLES_BEGIN);
  const end = document.indexOf(LIFECYCLES_END);
  if (begin < 0 || end < begin) throw new Error("the document has no lifecycle markers");
  const generated = lifecycles.map(lifecycleMarkdown).join("\n\n");
  return `${document.slice(0, begin + LIFECYCLES_BEGIN.length)}\n\n${generated}\n\n${document.slice(end)}`;
}
