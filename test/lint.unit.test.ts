/**
 * The lint's structural rules fail when they should: ESLint, with the repo's own
 * config, run over test/fixtures/lint, whose files each break one rule (a pure-core
 * module importing the runtime and a Durable Object, a Durable Object importing a
 * worker, a gateway route importing the app that mounts it). A rule that silently
 * stopped matching (a renamed folder, a plugin setting lost) fails here, not in review.
 */
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { DO_LAYERING_MESSAGE, LAYERING_MESSAGE } from "../eslint.config.js";

const root = resolve(import.meta.dirname, "..");
const fixtures = resolve(root, "test/fixtures/lint");

/** Messages per fixture file (relative path), as `rule: message`. */
async function lintFixtures(): Promise<Map<string, string[]>> {
  // cwd is the fixture tree, so the config's globs (src/domain/**, workers/gateway/**) match it.
  const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: resolve(root, "eslint.config.js") });
  const results = await eslint.lintFiles(["."]);
  return new Map(results.map((r) => [r.filePath.slice(fixtures.length + 1), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]));
}

describe("lint rules on deliberately bad fixtures", () => {
  const found = lintFixtures();

  it("refuses runtime and Durable Object imports in the pure core", async () => {
    const messages = (await found).get("src/domain/bad.ts") ?? [];
    expect(messages).toEqual([
      expect.stringContaining("'cloudflare:workers' import is restricted"),
      expect.stringContaining("'../durable-objects/stubs' import is restricted"),
    ]);
    for (const m of messages) expect(m).toContain(LAYERING_MESSAGE);
  });

  it("lets the pure core import the pure core", async () => {
    expect((await found).get("src/domain/good.ts")).toEqual([]);
  });

  it("refuses worker imports in Durable Objects", async () => {
    expect((await found).get("src/durable-objects/bad.ts")).toEqual([expect.stringContaining(DO_LAYERING_MESSAGE)]);
  });

  it("finds the app ↔ routes import cycle in the gateway", async () => {
    const files = await found;
    expect(files.get("workers/gateway/app.ts")).toEqual(["import-x/no-cycle: Dependency cycle detected"]);
    expect(files.get("workers/gateway/routes/rides.ts")).toEqual(["import-x/no-cycle: Dependency cycle detected"]);
  });
});
