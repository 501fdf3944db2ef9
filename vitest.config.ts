import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{protocol,impl,model,jepsen,bench,scripts}/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
