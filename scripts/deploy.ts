#!/usr/bin/env node
/**
 * `npm run deploy [-- --env staging] [-- --dry-run]` (or DEPLOY_ENV=staging):
 *  1. refuses to go on if a worker lacks a required secret (`wrangler secret list`), or if a
 *     worker does not build (`wrangler deploy --dry-run` of each);
 *  2. provisions the environment's databases and queues (idempotent, scripts/provision.ts);
 *  3. applies the D1 migrations remotely;
 *  4. deploys the workers in binding order (payment, gateway, notification, views):
 *     no worker is deployed before a worker it binds.
 * `--dry-run` prints that plan, each wrangler command in order, and touches no account.
 */
import { formatPlan, isPlaceholderId, planDeploy } from "./deploy/plan.ts";
import { deployArgs } from "./deploy/args.ts";
import { readWorkers, root, wrangler } from "./deploy/wrangler.ts";
import { provision } from "./provision.ts";

let args: ReturnType<typeof deployArgs>;
try {
  args = deployArgs(process.argv.slice(2), ["--dry-run"], process.env);
} catch (error) {
  console.error(`deploy: ${(error as Error).message}; nothing was deployed`);
  process.exit(1);
}
const env = args.env;
const workers = readWorkers(env);
const steps = planDeploy(workers, env);

if (args.flags.has("--dry-run")) {
  console.log(`deploy plan for ${env} (dry run: nothing is run)`);
  console.log(formatPlan(steps));
  process.exit(0);
}

function fail(message: string): never {
  console.error(`deploy (${env}): ${message}`);
  process.exit(1);
}

// 1. secrets, before anything changes
const missing: string[] = [];
for (const step of steps.filter((s) => s.phase === "secrets")) {
  const worker = workers.find((w) => w.worker === step.worker)!;
  if (worker.secrets.length === 0) continue;
  const listed = wrangler(step.args);
  let names: string[] = [];
  if (listed.status === 0) names = (JSON.parse(listed.stdout.slice(Math.max(0, listed.stdout.indexOf("[")))) as { name: string }[]).map((s) => s.name);
  for (const secret of worker.secrets)
    if (!names.includes(secret))
      missing.push(`${worker.name}: ${secret} (wrangler secret put ${secret} -c ${worker.config}${env === "production" ? "" : ` --env ${env}`})`);
}
if (missing.length > 0) fail(`required secrets are not set; nothing was deployed:\n  ${missing.join("\n  ")}`);

// 1b. every worker builds, before anything changes
for (const step of steps.filter((s) => s.phase === "build")) {
  console.log(`\n$ wrangler ${step.args.join(" ")}`);
  if (wrangler(step.args, root, true).status !== 0) fail(`the ${step.worker} worker does not build; nothing was deployed`);
}

// 2. resources; then the configs again, since provisioning may have written database ids
const report = provision(env);
console.log(`provisioned: ${report.created.length ? report.created.join(", ") : "nothing new"}`);
const provisioned = readWorkers(env);
const placeholders = provisioned.flatMap((w) => w.databases.filter((d) => isPlaceholderId(d.id)).map((d) => `${w.config}: ${d.name}`));
if (placeholders.length > 0) fail(`database ids are still placeholders: ${placeholders.join(", ")}`);

// 3. migrations, 4. workers in binding order
for (const step of planDeploy(provisioned, env).filter((s) => s.phase === "migrate" || s.phase === "deploy")) {
  console.log(`\n$ wrangler ${step.args.join(" ")}`);
  if (wrangler(step.args, root, true).status !== 0)
    fail(`"wrangler ${step.args.join(" ")}" failed; the workers before it are deployed, the rest are not (run again once fixed)`);
}
console.log(`\ndeploy (${env}): done. Roll back with \`wrangler rollback -c <config>${env === "production" ? "" : ` --env ${env}`}\`.`);
