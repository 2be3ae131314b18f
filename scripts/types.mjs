#!/usr/bin/env node
// Generates the Env types of every worker with `wrangler types` (never hand-written).
// The gateway's file carries the runtime types and `Env`; each other worker gets only
// its own interface (PaymentEnv, NotificationEnv, ViewsEnv): wrangler's extra
// declarations (process.env, module shims) would otherwise be declared four times.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
// The secrets, for the types: those of .env.example, and the optional ones it keeps commented.
const envFile = resolve(mkdtempSync(join(tmpdir(), "types-")), "secrets.env");
writeFileSync(envFile, `${readFileSync(resolve(root, ".env.example"), "utf8")}\nKAKAO_SECRET_KEY=x\nSTRIPE_SECRET_KEY=x\n`);
const wrangler = (args) => execFileSync("wrangler", ["types", "--strict-vars=false", `--env-file=${envFile}`, ...args], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });

wrangler(["--env-interface", "Env", "-c", "wrangler.toml", "src/env.d.ts"]);

const workers = [
  ["payment", "PaymentEnv"],
  ["notification", "NotificationEnv"],
  ["views", "ViewsEnv"],
];
for (const [name, iface] of workers) {
  const out = `workers/${name}/env.d.ts`;
  wrangler(["--include-runtime=false", "--env-interface", iface, "-c", `workers/${name}/wrangler.toml`, "-c", "wrangler.toml", out]);
  const text = readFileSync(resolve(root, out), "utf8");
  const start = text.indexOf(`interface __BaseEnv_${iface}`);
  const end = text.indexOf("}", start) + 1;
  const header = text.split("\n").slice(0, 2).join("\n").replaceAll(`${root}/`, "").replace(/--env-file=\S+/, "--env-file=(.env.example + optional secrets)");
  writeFileSync(resolve(root, out), `${header}\n${text.slice(start, end)}\ninterface ${iface} extends __BaseEnv_${iface} {}\n`);
}
console.log("types written: src/env.d.ts, workers/*/env.d.ts");
