import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withLifecycles } from "../protocol/lifecycle-markdown.ts";
import { LIFECYCLES } from "../protocol/lifecycles.ts";

describe("docs/protocol.md", () => {
  it("shows the machines' lifecycle tables as they are in the code (npm run docs:lifecycles rewrites them)", () => {
    const document = readFileSync(new URL("../docs/protocol.md", import.meta.url), "utf8");
    expect(withLifecycles(document, LIFECYCLES)).toBe(document);
  });
});
