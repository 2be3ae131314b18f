#!/usr/bin/env node
/**
 * `npm run deploy:check`: `wrangler deploy --dry-run` of every worker in every
 * environment (bundles each one as a deploy would, binds nothing, touches no account)
 * and prints each bundle's size. CI runs it, so a worker that would not build or whose
 * config wrangler refuses fails the build before anyone deploys it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleArgs, DEPLOY_ENVS, WORKERS } from "./deploy/plan.ts";
import { wrangler } from "./deploy/wrangler.ts";

const out = mkdtempSync(join(tmpdir(), "deploy-check-"));
let failed = 0;
console.log("environment  worker        upload      gzip");
try {
  for (const env of DEPLOY_ENVS) {
    for (const { worker, config } of WORKERS) {
      const r = wrangler(bundleArgs(config, env, join(out, env, worker)));
      const size = /Total Upload:\s*([\d.]+ \w+)\s*\/\s*gzip:\s*([\d.]+ \w+)/.exec(r.stdout + r.stderr);
      if (r.status !== 0 || !size) {
        failed += 1;
        console.log(`${env.padEnd(12)} ${worker.padEnd(13)} FAILED`);
        console.error(r.stderr || r.stdout);
        continue;
      }
      console.log(`${env.padEnd(12)} ${worker.padEnd(13)} ${size[1]!.padEnd(11)} ${size[2]}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`deploy:check: ${failed} dry run(s) failed`);
  process.exit(1);
}
console.log("deploy:check: every worker builds for every environment");
