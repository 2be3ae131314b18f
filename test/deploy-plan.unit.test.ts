/**
 * The deploy plan of every environment, from the committed configs: no worker is
 * deployed before a worker it binds (on an empty account nothing would resolve the
 * binding), every queue, dead-letter queue and database is provisioned before any
 * migration or deploy, and every worker's required secrets are checked before anything
 * changes. `npm run deploy -- --dry-run` prints exactly that plan and runs nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY_ENVS, deployOrder, formatPlan, planDeploy, resourcesOf, type PlannedWorker } from "../scripts/deploy/plan.ts";
import { readWorkers } from "../scripts/deploy/wrangler.ts";

const root = resolve(import.meta.dirname, "..");

describe.each(DEPLOY_ENVS)("the %s deploy plan", (env) => {
  const workers = readWorkers(env);
  const steps = planDeploy(workers, env);
  const index = (phase: string) => steps.map((s, i) => (s.phase === phase ? i : -1)).filter((i) => i >= 0);

  it("deploys no worker before a worker it binds", () => {
    const deployed = new Set<string>();
    for (const step of steps.filter((s) => s.phase === "deploy")) {
      const worker = workers.find((w) => w.worker === step.worker)!;
      for (const target of worker.binds) expect(deployed, `${worker.name} binds ${target}`).toContain(target);
      deployed.add(worker.name);
    }
    expect(deployed.size).toBe(4);
  });

  it("provisions every queue, dead-letter queue and database any config names before migrating or deploying", () => {
    const { queues, databases } = resourcesOf(workers);
    const firstChange = Math.min(...index("migrate"), ...index("deploy"));
    const provisioned = steps
      .slice(0, firstChange)
      .filter((s) => s.phase === "provision")
      .map((s) => s.args.join(" "));
    for (const q of queues) expect(provisioned).toContain(`queues create ${q}`);
    for (const d of databases) expect(provisioned).toContain(`d1 create ${d.name}`);
    // every dead-letter queue a consumer names is among them
    expect(queues.filter((q) => q.includes("-dlq")).length).toBeGreaterThanOrEqual(3);
    // one migration step a database: the views, the notifications, the ledger
    expect(index("migrate").length).toBe(3);
  });

  it("checks every worker's required secrets before anything changes", () => {
    const secrets = steps.filter((s) => s.phase === "secrets");
    expect(secrets.map((s) => s.worker).sort()).toEqual(["gateway", "notification", "payment", "views"]);
    expect(Math.max(...index("secrets"))).toBeLessThan(Math.min(...index("provision")));
    const needs = Object.fromEntries(workers.map((w) => [w.worker, w.secrets]));
    expect(needs.gateway).toEqual(["JWT_SECRET", "CONTACT_KEY"]);
    expect(needs.payment).toEqual(["STRIPE_SECRET_KEY"]);
    expect(needs.notification).toContain("CONTACT_KEY");
  });

  it("bundles every worker after the secrets and before anything changes", () => {
    const builds = steps.filter((s) => s.phase === "build");
    expect(builds.map((s) => s.worker).sort()).toEqual(["gateway", "notification", "payment", "views"]);
    for (const b of builds) expect(b.args.slice(0, 2)).toEqual(["deploy", "--dry-run"]);
    expect(Math.min(...index("build"))).toBeGreaterThan(Math.max(...index("secrets")));
    expect(Math.max(...index("build"))).toBeLessThan(Math.min(...index("provision"), ...index("migrate"), ...index("deploy")));
  });

  it("names this environment's own workers and resources, never the other's", () => {
    const names = [...workers.map((w) => w.name), ...resourcesOf(workers).queues, ...resourcesOf(workers).databases.map((d) => d.name)];
    for (const name of names) expect(name.endsWith("-staging"), name).toBe(env === "staging");
    for (const step of steps.filter((s) => s.args.includes("-c"))) expect(step.args.includes("--env"), step.args.join(" ")).toBe(env === "staging");
  });
});

describe("deploy order", () => {
  const worker = (name: string, binds: string[]): PlannedWorker => ({
    worker: "gateway",
    config: `${name}.toml`,
    name,
    binds,
    queues: [],
    databases: [],
    secrets: [],
  });

  it("refuses a binding cycle: the gateway and payment binding each other cannot be deployed on an empty account", () => {
    expect(() => deployOrder([worker("rides-gateway", ["rides-payment"]), worker("rides-payment", ["rides-gateway"])])).toThrow(/binding cycle/);
  });

  it("refuses a binding to a worker that is not ours", () => {
    expect(() => deployOrder([worker("rides-gateway", ["somebody-else"])])).toThrow(/not a worker of this project/);
  });
});

describe("npm run deploy -- --dry-run", () => {
  it("prints the plan, each wrangler command in order, and runs no wrangler command", () => {
    const state = join(mkdtempSync(join(tmpdir(), "dry-run-")), "account.json");
    for (const env of DEPLOY_ENVS) {
      const r = spawnSync(process.execPath, ["scripts/deploy.ts", "--dry-run", "--env", env], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, WRANGLER_BIN: resolve(root, "test/support/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: state },
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(formatPlan(planDeploy(readWorkers(env), env)));
    }
    expect(() => readFileSync(state)).toThrow(); // the recorded wrangler was never called
  }, 60_000);
});

describe("npm run deploy without the required secrets", () => {
  it("refuses before anything changes, naming each missing secret and how to set it", () => {
    const state = join(mkdtempSync(join(tmpdir(), "deploy-")), "account.json");
    // the gateway has its secrets; the payment and notification workers do not
    writeFileSync(state, JSON.stringify({ secrets: { "wrangler.toml@staging": ["JWT_SECRET", "CONTACT_KEY"] } }));
    const r = spawnSync(process.execPath, ["scripts/deploy.ts", "--env", "staging"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_BIN: resolve(root, "test/support/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: state },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("nothing was deployed");
    expect(r.stderr).toContain(
      "rides-payment-staging: STRIPE_SECRET_KEY (wrangler secret put STRIPE_SECRET_KEY -c workers/payment/wrangler.toml --env staging)",
    );
    expect(r.stderr).toContain("rides-notification-staging: CONTACT_KEY");
    expect(r.stderr).not.toContain("rides-gateway-staging:");
    const calls = (JSON.parse(readFileSync(state, "utf8")) as { calls: string[][] }).calls;
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c[0] === "secret" && c[1] === "list")).toBe(true);
  }, 60_000);
});

describe("npm run deploy with a worker that does not build", () => {
  it("stops after the bundles, having provisioned, migrated and deployed nothing", () => {
    const state = join(mkdtempSync(join(tmpdir(), "deploy-build-")), "account.json");
    const workers = readWorkers("staging");
    const secrets = Object.fromEntries(workers.map((w) => [`${w.config}@staging`, w.secrets]));
    const gateway = workers.find((w) => w.worker === "gateway")!;
    const failOn = planDeploy(workers, "staging")
      .find((s) => s.phase === "build" && s.worker === gateway.worker)!
      .args.join(" ");
    writeFileSync(state, JSON.stringify({ secrets, failOn }));
    const r = spawnSync(process.execPath, ["scripts/deploy.ts", "--env", "staging"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DEPLOY_ENV: "", WRANGLER_BIN: resolve(root, "test/support/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: state },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the gateway worker does not build; nothing was deployed");
    const calls = (JSON.parse(readFileSync(state, "utf8")) as { calls: string[][] }).calls;
    expect(calls.every((c) => (c[0] === "secret" && c[1] === "list") || (c[0] === "deploy" && c[1] === "--dry-run"))).toBe(true);
    expect(calls.filter((c) => c[0] === "deploy").length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
