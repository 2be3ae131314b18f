import { defineConfig } from "vitest/config";

/** End-to-end tests: the whole local system (npm run dev) over HTTP. One file at a time. */
export default defineConfig({
  test: {
    name: "e2e",
    include: ["test/e2e/**/*.e2e.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
