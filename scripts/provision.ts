#!/usr/bin/env node
/**
 * `npm run provision [-- --env staging]`: creates the D1 databases, queues and
 * dead-letter queues an environment's configs name, where the account does not have
 * them yet, and writes each database's id into every config that names it. Safe to run
 * any number of times: what exists is left alone, and a second run creates nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { resourcesOf, WORKERS, type DeployEnv } from "./deploy/plan.ts";
import { deployArgs } from "./deploy/args.ts";
import { readWorkers, root, wrangler, type RunResult } from "./deploy/wrangler.ts";

export interface ProvisionReport {
  created: string[];
  existing: string[];
  /** Config files whose database ids were rewritten. */
  configsUpdated: string[];
}

function must(result: RunResult, what: string): RunResult {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
  return result;
}

function databaseIds(run: typeof wrangler): Map<string, string> {
  const out = must(run(["d1", "list", "--json"]), "wrangler d1 list").stdout;
  const start = out.indexOf("[");
  const list = JSON.parse(start >= 0 ? out.slice(start) : "[]") as { name: string; uuid: string }[];
  return new Map(list.map((d) => [d.name, d.uuid]));
}

/**
 * Points `database_id` of every D1 entry named `name` at `id`. The configs keep
 * `database_name` and `database_id` on consecutive lines, which this relies on.
 *
 * @example
 * setDatabaseId('database_name = "rides-views"\ndatabase_id = "0000"', "rides-views", "abcd");
 */
export function setDatabaseId(toml: string, name: string, id: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return toml.replace(new RegExp(`(database_name = "${escaped}"\\s*\\n\\s*database_id = )"[^"]*"`, "g"), `$1"${id}"`);
}

/**
 * @example
 * const report = provision("staging");
 */
export function provision(env: DeployEnv, options: { dir?: string; run?: typeof wrangler } = {}): ProvisionReport {
  const dir = options.dir ?? root;
  const run = options.run ?? ((args: string[]) => wrangler(args, dir));
  const { queues, databases } = resourcesOf(readWorkers(env, dir));
  const report: ProvisionReport = { created: [], existing: [], configsUpdated: [] };

  let ids = databaseIds(run);
  for (const d of databases) {
    if (ids.has(d.name)) {
      report.existing.push(`d1:${d.name}`);
      continue;
    }
    must(run(["d1", "create", d.name]), `wrangler d1 create ${d.name}`);
    report.created.push(`d1:${d.name}`);
  }
  if (report.created.length > 0) ids = databaseIds(run);

  for (const q of queues) {
    if (run(["queues", "info", q]).status === 0) {
      report.existing.push(`queue:${q}`);
      continue;
    }
    must(run(["queues", "create", q]), `wrangler queues create ${q}`);
    report.created.push(`queue:${q}`);
  }

  for (const { config } of WORKERS) {
    const path = resolve(dir, config);
    const before = readFileSync(path, "utf8");
    let after = before;
    for (const d of databases) {
      const id = ids.get(d.name);
      if (!id) throw new Error(`database ${d.name} was created but wrangler d1 list does not show it`);
      after = setDatabaseId(after, d.name, id);
    }
    if (after !== before) {
      writeFileSync(path, after);
      report.configsUpdated.push(config);
    }
  }
  return report;
}

if (import.meta.main) {
  try {
    const { env } = deployArgs(process.argv.slice(2), [], process.env);
    const report = provision(env);
    console.log(`provision (${env}): created ${report.created.length ? report.created.join(", ") : "nothing"}; already there: ${report.existing.length}`);
    if (report.configsUpdated.length) console.log(`database ids written into ${report.configsUpdated.join(", ")}: commit them`);
  } catch (error) {
    console.error(`provision: ${(error as Error).message}`);
    process.exit(1);
  }
}
