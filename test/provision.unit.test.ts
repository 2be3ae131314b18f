/**
 * `npm run provision` against a recorded wrangler (test/support/fake-wrangler.mjs, an
 * in-memory account): the first run creates every database and queue of the
 * environment and writes the database ids into the configs; the second run creates
 * nothing and changes no file; a failing create stops it with wrangler's message.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { resourcesOf, WORKERS } from "../scripts/deploy/plan.ts";
import { readWorkers } from "../scripts/deploy/wrangler.ts";
import { setDatabaseId } from "../scripts/provision.ts";

const root = resolve(import.meta.dirname, "..");

/** A copy of the four configs (and the migrations they point at) in a folder of its own. */
function copyOfConfigs(): string {
  const dir = mkdtempSync(join(tmpdir(), "provision-"));
  for (const { config } of WORKERS) {
    mkdirSync(dirname(join(dir, config)), { recursive: true });
    cpSync(join(root, config), join(dir, config));
  }
  cpSync(join(root, "migrations"), join(dir, "migrations"), { recursive: true });
  return dir;
}

function runProvision(dir: string, state: string, env: string) {
  // Runs the script itself, on the copied configs, against the recorded wrangler.
  const script = `import { provision } from ${JSON.stringify(resolve(root, "scripts/provision.ts"))}; console.log(JSON.stringify(provision(${JSON.stringify(env)}, { dir: ${JSON.stringify(dir)} })));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_BIN: resolve(root, "test/support/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: state },
  });
  return {
    status: r.status,
    stderr: r.stderr,
    report: r.status === 0 ? (JSON.parse(r.stdout.trim().split("\n").pop()!) as { created: string[]; existing: string[]; configsUpdated: string[] }) : null,
  };
}

describe.each(["production", "staging"] as const)("npm run provision (%s)", (env) => {
  it("creates what is missing once, writes the ids, and a second run changes nothing", () => {
    const dir = copyOfConfigs();
    const state = join(dir, "account.json");
    const { queues, databases } = resourcesOf(readWorkers(env, dir));

    const first = runProvision(dir, state, env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.report!.created.sort()).toEqual([...databases.map((d) => `d1:${d.name}`), ...queues.map((q) => `queue:${q}`)].sort());
    const account = JSON.parse(readFileSync(state, "utf8")) as { databases: { name: string; uuid: string }[]; queues: string[] };
    // every config that names a database now carries its real id
    for (const w of readWorkers(env, dir)) for (const d of w.databases) expect(d.id).toBe(account.databases.find((x) => x.name === d.name)!.uuid);
    expect(first.report!.configsUpdated.length).toBeGreaterThan(0);

    const configsAfterFirst = WORKERS.map(({ config }) => readFileSync(join(dir, config), "utf8"));
    const callsAfterFirst = account.queues.length;
    const second = runProvision(dir, state, env);
    expect(second.status, second.stderr).toBe(0);
    expect(second.report!.created).toEqual([]);
    expect(second.report!.configsUpdated).toEqual([]);
    expect(WORKERS.map(({ config }) => readFileSync(join(dir, config), "utf8"))).toEqual(configsAfterFirst);
    const again = JSON.parse(readFileSync(state, "utf8")) as { queues: string[]; calls: string[][] };
    expect(again.queues.length).toBe(callsAfterFirst);
    const secondRunCalls = again.calls.slice(-(queues.length + 1));
    expect(secondRunCalls.every((c) => c[1] === "list" || c[1] === "info")).toBe(true);
  }, 90_000);
});

describe("npm run provision on a failing account", () => {
  it("stops with wrangler's message when a create fails", () => {
    const dir = copyOfConfigs();
    const state = join(dir, "account.json");
    writeFileSync(state, JSON.stringify({ failOn: "queues create ride-events" }));
    const run = runProvision(dir, state, "production");
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("wrangler queues create ride-events failed");
  }, 60_000);
});

describe("setDatabaseId", () => {
  it("rewrites the id of the named database only", () => {
    const toml = 'database_name = "rides-views"\ndatabase_id = "0"\n\ndatabase_name = "rides-views-staging"\ndatabase_id = "1"\n';
    expect(setDatabaseId(toml, "rides-views", "abc")).toBe(
      'database_name = "rides-views"\ndatabase_id = "abc"\n\ndatabase_name = "rides-views-staging"\ndatabase_id = "1"\n',
    );
  });
});
