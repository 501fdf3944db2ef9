/** Rewrites the lifecycle section of docs/protocol.md from the machines' tables. */
import { readFileSync, writeFileSync } from "node:fs";
import { withLifecycles } from "../protocol/lifecycle-markdown.ts";
import { LIFECYCLES } from "../protocol/lifecycles.ts";

const path = new URL("../docs/protocol.md", import.meta.url);
writeFileSync(path, withLifecycles(readFileSync(path, "utf8"), LIFECYCLES));
console.log(`docs/protocol.md: ${LIFECYCLES.length} lifecycles written`);
