/**
 * Runs wrangler for the deploy scripts: the project's own (Node 22 from
 * node_modules/.bin), or WRANGLER_BIN when set (the tests' recorded wrangler).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { planWorker, WORKERS, type DeployEnv, type PlannedWorker, type WranglerConfig } from "./plan.ts";

export const root = resolve(import.meta.dirname, "../..");

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `wrangler ...args` in `cwd`; never throws, the caller reads the status. */
export function wrangler(args: string[], cwd = root): RunResult {
  const bin = process.env.WRANGLER_BIN;
  const localNode = resolve(root, "node_modules/.bin/node");
  const node = existsSync(localNode) ? localNode : process.execPath;
  const [cmd, argv] = bin ? [node, [bin, ...args]] : [node, [resolve(root, "node_modules/wrangler/bin/wrangler.js"), ...args]];
  const r = spawnSync(cmd, argv, { cwd, encoding: "utf8", env: { WRANGLER_SEND_METRICS: "false", ...process.env } });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Every worker of `env` as the plan sees it, read from the configs under `dir`. */
export function readWorkers(env: DeployEnv, dir = root): PlannedWorker[] {
  return WORKERS.map((spec) => {
    const config = unstable_readConfig({ config: resolve(dir, spec.config), env: env === "production" ? undefined : env }) as unknown as WranglerConfig;
    return planWorker(spec, config);
  });
}

/** The environment from `--env NAME` or DEPLOY_ENV; production when neither is given. */
export function deployEnvFrom(argv: string[]): DeployEnv {
  const i = argv.indexOf("--env");
  const name = i >= 0 ? argv[i + 1] : (process.env.DEPLOY_ENV ?? "production");
  if (name !== "production" && name !== "staging") throw new Error(`unknown environment "${name}": production or staging`);
  return name;
}
