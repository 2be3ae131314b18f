#!/usr/bin/env node
// `npm run deploy`: applies the D1 migrations to the remote databases, then deploys the
// gateway (which hosts the Durable Objects the others bind to) and the three consumers.
// Needs CLOUDFLARE_API_TOKEN (or `wrangler login`), real database_ids in the configs,
// and the secrets set once per worker (see README, "Deploy").
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const localNode = resolve(root, "node_modules/.bin/node");
const node = existsSync(localNode) ? localNode : process.execPath;
const wrangler = (...args) => execFileSync(node, [resolve(root, "node_modules/wrangler/bin/wrangler.js"), ...args], { cwd: root, stdio: "inherit" });
const envArgs = process.env.DEPLOY_ENV ? ["--env", process.env.DEPLOY_ENV] : [];

wrangler("d1", "migrations", "apply", "VIEWS_DB", "--remote", "-c", "wrangler.toml", ...envArgs);
wrangler("d1", "migrations", "apply", "LEDGER_DB", "--remote", "-c", "workers/payment/wrangler.toml", ...envArgs);
for (const config of ["wrangler.toml", "workers/payment/wrangler.toml", "workers/notification/wrangler.toml", "workers/views/wrangler.toml"]) {
  wrangler("deploy", "-c", config, ...envArgs);
}
