import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = new URL(".", import.meta.url).pathname;
const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

describe("protocol/ is pure", () => {
  it.each(sources)("%s reads no clock, timer or randomness and imports nothing outside protocol/", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    expect(text).not.toMatch(/Date\.now|new Date\(|Math\.random|\bsetTimeout|\bsetInterval|performance\.now|\bprocess\./);
    for (const [, spec] of text.matchAll(/from\s+"([^"]+)"/g)) {
      expect(spec!.startsWith("./") || spec === "json-merge-patch", `${file} imports ${spec}`).toBe(true);
    }
  });
});
