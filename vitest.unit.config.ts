import { defineConfig } from "vitest/config";

/** Unit tests: pure TypeScript (domain, rules, templates), in Node, no runtime. */
export default defineConfig({
  test: {
    name: "unit",
    include: ["src/**/*.unit.test.ts", "workers/**/*.unit.test.ts", "test/*.unit.test.ts"],
  },
});
