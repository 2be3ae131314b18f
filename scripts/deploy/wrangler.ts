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

/**
 * Runs `wrangler ...args` in `cwd`; never throws, the caller reads the status. With
 * `inherit` its output goes straight to the terminal (deploys) instead of being captured.
 */
export function wrangler(args: string[], cwd = root, inherit = false): RunResult {
  const localNode = resolve(root, "node_modules/.bin/node");
  const node = existsSync(localNode) ? localNode : process.execPath;
  const bin = process.env.WRANGLER_BIN ?? resolve(root, "node_modules/wrangler/bin/wrangler.js");
  const r = spawnSync(node, [bin, ...args], {
    cwd,
    encoding: "utf8",
    stdio: inherit ? "inherit" : "pipe",
    env: { WRANGLER_SEND_METRICS: "false", ...process.env },
  });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Every worker of `env` as the plan sees it, read from the configs under `dir`. */
export function readWorkers(env: DeployEnv, dir = root): PlannedWorker[] {
  return WORKERS.map((spec) => {
    const config = unstable_readConfig({ config: resolve(dir, spec.config), env: env === "production" ? undefined : env }) as unknown as WranglerConfig;
    return planWorker(spec, config);
  });
}
