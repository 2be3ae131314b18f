/**
 * The deploy scripts' command line: every way of naming the environment is read, and anything
 * else is refused before a wrangler command runs (a misread deploy goes to production).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deployArgs } from "../scripts/deploy/args.ts";

const root = resolve(import.meta.dirname, "..");
const known = ["--dry-run"];

describe("deployArgs", () => {
  it("reads --env NAME, --env=NAME, -e NAME and -e=NAME alike", () => {
    for (const argv of [["--env", "staging"], ["--env=staging"], ["-e", "staging"], ["-e=staging"]]) {
      expect(deployArgs(argv, known, {}).env).toBe("staging");
    }
  });

  it("the command line before DEPLOY_ENV, DEPLOY_ENV before production", () => {
    expect(deployArgs(["--env", "production"], known, { DEPLOY_ENV: "staging" }).env).toBe("production");
    expect(deployArgs([], known, { DEPLOY_ENV: "staging" }).env).toBe("staging");
    expect(deployArgs([], known, {}).env).toBe("production");
  });

  it("knows its flags", () => {
    expect([...deployArgs(["--dry-run", "--env=staging"], known, {}).flags]).toEqual(["--dry-run"]);
    expect(deployArgs(["--env=staging"], known, {}).flags.size).toBe(0);
  });

  it("refuses an unknown argument, a misspelt flag, a stray word and an unknown environment", () => {
    expect(() => deployArgs(["--dryrun"], known, {})).toThrow(/unknown argument "--dryrun"/);
    expect(() => deployArgs(["staging"], known, {})).toThrow(/unknown argument "staging"/);
    expect(() => deployArgs(["--dry-run"], [], {})).toThrow(/unknown argument/);
    expect(() => deployArgs(["--env", "prod"], known, {})).toThrow(/unknown environment "prod"/);
    expect(() => deployArgs(["--env"], known, {})).toThrow(/unknown environment ""/);
    expect(() => deployArgs([], known, { DEPLOY_ENV: "Staging" })).toThrow(/unknown environment/);
  });

  it("refuses flags npm took for itself (no -- before them)", () => {
    expect(() => deployArgs(["staging"], known, { npm_config_env: "staging" })).toThrow(/npm took --env.*npm run deploy -- --env staging/);
    expect(() => deployArgs([], known, { npm_config_dry_run: "true" })).toThrow(/npm took --dry-run/);
  });
});

describe("npm run deploy with arguments it cannot take", () => {
  const run = (args: string[], extra: Record<string, string> = {}) => {
    const state = join(mkdtempSync(join(tmpdir(), "deploy-args-")), "account.json");
    const r = spawnSync(process.execPath, ["scripts/deploy.ts", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DEPLOY_ENV: "", WRANGLER_BIN: resolve(root, "test/support/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: state, ...extra },
    });
    const called = (() => {
      try {
        return readFileSync(state, "utf8").length > 0;
      } catch {
        return false;
      }
    })();
    return { ...r, called };
  };

  it("--env=staging plans staging, not production", () => {
    const r = run(["--env=staging", "--dry-run"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("deploy plan for staging");
    expect(r.called).toBe(false);
  }, 60_000);

  it("a misspelt --dry-run, or --env taken by npm, runs no wrangler command and says nothing was deployed", () => {
    for (const r of [run(["--env", "staging", "--dryrun"]), run(["staging"], { npm_config_env: "staging" })]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("nothing was deployed");
      expect(r.called).toBe(false);
    }
  }, 60_000);
});
