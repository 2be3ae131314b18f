#!/usr/bin/env node
// Generates the Env types of every worker with `wrangler types` (never hand-written).
// The gateway's file carries the runtime types and `Env`; each other worker gets only
// its own interface (PaymentEnv, NotificationEnv, ViewsEnv): wrangler's extra
// declarations (process.env, module shims) would otherwise be declared four times.
//
// Each worker's Env lists only its own secrets: those src/required-secrets.ts declares
// for it (wrangler takes secrets from the env file it is given, so each worker gets a
// file of its own). A worker reading another's secret then fails to typecheck.
//
// `--check` (npm run types:check, CI) regenerates into a temporary directory and fails
// when a committed file differs: the generated Env never drifts from wrangler.toml.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { REQUIRED_SECRETS } from "../src/required-secrets.ts";

const root = resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const tmp = mkdtempSync(join(tmpdir(), "types-"));

/** `to` as an import specifier from `fromDir` ("./index", "../workers/gateway/index"). */
function relativeImport(fromDir, to) {
  const path = relative(fromDir, to);
  return path.startsWith(".") ? path : `./${path}`;
}

/** Runs `wrangler types` for one worker; answers the generated text with a header that names no temporary path. */
function generate({ worker, iface, configs, out, runtime }) {
  const secrets = [...new Set(REQUIRED_SECRETS[worker].map((rule) => rule.name))];
  // Values are placeholders: wrangler reads only the names (types are `string`).
  const envFile = join(tmp, `${worker}.env`);
  writeFileSync(envFile, secrets.map((name) => `${name}=x\n`).join(""));
  const target = join(tmp, `${worker}.d.ts`);
  const args = ["types", "--strict-vars=false", `--env-file=${envFile}`, "--env-interface", iface, ...configs.flatMap((c) => ["-c", c])];
  if (!runtime) args.push("--include-runtime=false");
  execFileSync("wrangler", [...args, target], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const text = readFileSync(target, "utf8")
    // Module paths as wrangler writes them when generating in place: relative to `out`.
    .replace(/import\("(\.[^"]*)"\)/g, (_, path) => `import("${relativeImport(dirname(resolve(root, out)), resolve(tmp, path))}")`)
    .replaceAll(`--env-file=${envFile}`, `--env-file=(REQUIRED_SECRETS.${worker})`)
    .replaceAll(target, out)
    // wrangler's hash also covers the local .dev.vars files, which differ between a
    // developer's checkout and CI's clean clone; the types themselves do not.
    .replace(/ \(hash: [0-9a-f]+\)/, "");
  if (runtime) return text;
  // Only the interface: the rest (process.env, module shims) is already in src/env.d.ts.
  const start = text.indexOf(`interface __BaseEnv_${iface}`);
  const end = text.indexOf("}", start) + 1;
  const header = text.split("\n").slice(0, 2).join("\n");
  return `${header}\n${text.slice(start, end)}\ninterface ${iface} extends __BaseEnv_${iface} {}\n`;
}

const targets = [
  { worker: "gateway", iface: "Env", configs: ["wrangler.toml"], out: "src/env.d.ts", runtime: true },
  // The gateway's config too: it resolves the DRIVER binding's script to the gateway's classes.
  { worker: "payment", iface: "PaymentEnv", configs: ["workers/payment/wrangler.toml", "wrangler.toml"], out: "workers/payment/env.d.ts" },
  { worker: "notification", iface: "NotificationEnv", configs: ["workers/notification/wrangler.toml", "wrangler.toml"], out: "workers/notification/env.d.ts" },
  { worker: "views", iface: "ViewsEnv", configs: ["workers/views/wrangler.toml", "wrangler.toml"], out: "workers/views/env.d.ts" },
];

const stale = [];
for (const target of targets) {
  const text = generate(target);
  const path = resolve(root, target.out);
  if (!check) writeFileSync(path, text);
  else if (readFileSync(path, "utf8") !== text) stale.push(target.out);
}
if (stale.length > 0) {
  console.error(`generated types are out of date: ${stale.join(", ")}\nrun \`npm run types\` and commit the result`);
  process.exit(1);
}
console.log(check ? "types up to date: src/env.d.ts, workers/*/env.d.ts" : "types written: src/env.d.ts, workers/*/env.d.ts");
