/**
 * Safe by default: every committed config, in every environment a deploy can select,
 * carries production values. Development behaviour (dev tokens and faults, drivers
 * approved on sign-up, the simulated payment provider, chaos, no rate limits) comes only
 * from the .dev.vars that `npm run dev` writes for the local run. Staging binds the
 * same names as production, to resources of its own.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { DEPLOY_ENVS, WORKERS, type WranglerConfig } from "../scripts/deploy/plan.ts";
import { LIMITERS } from "../src/rate-limits";

type Config = WranglerConfig & {
  name: string;
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
  migrations?: { new_sqlite_classes?: string[] }[];
};
const read = (config: string, env: string) => unstable_readConfig({ config, env: env === "production" ? undefined : env }) as unknown as Config;

/** The values a deployed environment must have; a development value in any of them fails. */
const PRODUCTION_VALUES: Record<string, (value: unknown) => boolean> = {
  AUTO_APPROVE_DRIVERS: (v) => v === "false",
  CHAOS_DUPLICATE_DELIVERY: (v) => v === "false",
  CHAOS_CONSUMER_CRASH_RATE: (v) => v === "0",
  PAYMENT_PROVIDER: (v) => v === "stripe",
  RATE_LIMITS: (v) => v === "on",
  ALLOWED_ORIGINS: (v) => typeof v === "string" && !v.split(",").some((o) => o.trim() === "*" || /localhost|127\.0\.0\.1/.test(o)),
};

const bindingNames = (c: Config) =>
  [
    ...c.durable_objects.bindings.map((b) => `do:${b.name}:${b.class_name}`),
    ...(c.queues.producers ?? []).map((q) => `producer:${q.binding}`),
    ...(c.queues.consumers ?? []).map((q) => `consumer:${q.queue.replace(/-staging$/, "")}`),
    ...c.d1_databases.map((d) => `d1:${d.binding}`),
    ...(c.services ?? []).map((s) => `service:${s.binding}`),
    ...(c.ratelimits ?? []).map((r) => `ratelimit:${r.name}`),
  ].sort();

describe.each(WORKERS)("$config", ({ config }) => {
  it.each(DEPLOY_ENVS)("%s has production values", (env) => {
    const c = read(config, env);
    expect(c.vars.ENVIRONMENT, "ENVIRONMENT").toBe(env);
    for (const [name, ok] of Object.entries(PRODUCTION_VALUES)) {
      if (name in c.vars) expect(ok(c.vars[name]), `${name} = ${JSON.stringify(c.vars[name])}`).toBe(true);
    }
    // development-only code has no binding and no class in a deployed config
    expect(JSON.stringify(c.durable_objects)).not.toMatch(/bench/i);
    expect(JSON.stringify(c.migrations ?? [])).not.toMatch(/bench/i);
  });

  it("staging binds what production binds, to its own resources", () => {
    const production = read(config, "production");
    const staging = read(config, "staging");
    expect(bindingNames(staging)).toEqual(bindingNames(production));
    expect(Object.keys(staging.vars).sort()).toEqual(Object.keys(production.vars).sort());
    expect(staging.name).toBe(`${production.name}-staging`);
    const resources = (c: Config) => [
      ...(c.queues.producers ?? []).map((q) => q.queue),
      ...(c.queues.consumers ?? []).flatMap((q) => [q.queue, q.dead_letter_queue ?? []].flat()),
      ...c.d1_databases.flatMap((d) => [d.database_name ?? "", d.database_id ?? ""]),
      ...(c.services ?? []).map((s) => s.service),
      ...c.durable_objects.bindings.flatMap((b) => (b.script_name ? [b.script_name] : [])),
      ...(c.ratelimits ?? []).map((r) => `ratelimit:${r.namespace_id}`),
    ];
    const shared = resources(staging).filter((r) => resources(production).includes(r));
    expect(shared, "staging must never touch production's queues, databases, workers or limit counters").toEqual([]);
  });
});

describe("rate limits", () => {
  it.each(DEPLOY_ENVS)("%s: the gateway's Retry-After periods are the configured ones", (env) => {
    const limits = read("wrangler.toml", env).ratelimits ?? [];
    for (const limiter of Object.values(LIMITERS)) {
      expect(limits.find((l) => l.name === limiter.binding)?.simple.period, limiter.binding).toBe(limiter.periodS);
    }
  });
});

describe("committed files", () => {
  it("no committed config sets ENVIRONMENT to development, except the integration tests' own worker", () => {
    for (const { config } of WORKERS) expect(readFileSync(config, "utf8")).not.toMatch(/ENVIRONMENT\s*=\s*"development"/);
  });

  it("npm run dev writes the development values, for the local run only", () => {
    const dev = readFileSync("scripts/dev.mjs", "utf8");
    for (const name of ["ENVIRONMENT", "AUTO_APPROVE_DRIVERS", "PAYMENT_PROVIDER"]) expect(dev).toContain(name);
    expect(readFileSync(".gitignore", "utf8")).toMatch(/\.dev\.vars/);
  });
});
