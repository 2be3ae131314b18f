#!/usr/bin/env node
// A recorded wrangler for the deploy tests: an in-memory Cloudflare account kept in the
// JSON file FAKE_WRANGLER_STATE ({ databases: [{name, uuid}], queues: [name], secrets:
// {script: [name]}, calls: [[...args]], failOn?: "args joined by spaces" }). It answers
// the few commands `npm run provision` and `npm run deploy` use, in wrangler's output
// formats, and records every call.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const path = process.env.FAKE_WRANGLER_STATE;
if (!path) {
  console.error("FAKE_WRANGLER_STATE is not set");
  process.exit(2);
}
const state = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : {};
state.databases ??= [];
state.queues ??= [];
state.secrets ??= {};
state.calls ??= [];
const args = process.argv.slice(2);
state.calls.push(args);
const save = () => writeFileSync(path, JSON.stringify(state, null, 2));
const exit = (code, out = "", err = "") => {
  save();
  if (out) process.stdout.write(out);
  if (err) process.stderr.write(err);
  process.exit(code);
};

if (state.failOn && args.join(" ") === state.failOn) exit(1, "", `✘ [ERROR] A request to the Cloudflare API failed (recorded failure)\n`);
const [a, b, c] = args;
if (a === "d1" && b === "list") exit(0, JSON.stringify(state.databases, null, 2) + "\n");
if (a === "d1" && b === "create") {
  if (state.databases.some((d) => d.name === c)) exit(1, "", `✘ [ERROR] A database with that name already exists [code: 7502]\n`);
  const uuid = randomUUID();
  state.databases.push({ name: c, uuid });
  exit(0, `✅ Successfully created DB '${c}'\n{ "d1_databases": [{ "binding": "DB", "database_name": "${c}", "database_id": "${uuid}" }] }\n`);
}
if (a === "queues" && b === "info") {
  if (state.queues.includes(c)) exit(0, `Queue Name: ${c}\nQueue ID: q-${c}\n`);
  exit(1, "", `✘ [ERROR] Queue "${c}" does not exist. To create it, run: wrangler queues create ${c}\n`);
}
if (a === "queues" && b === "create") {
  if (state.queues.includes(c)) exit(1, "", `✘ [ERROR] A queue with this name already exists [code: 11009]\n`);
  state.queues.push(c);
  exit(0, `🌀 Creating queue '${c}'\n✅ Created queue '${c}'\n`);
}
if (a === "secret" && b === "list") {
  const i = args.indexOf("-c");
  const script = i >= 0 ? args[i + 1] + (args.includes("--env") ? `@${args[args.indexOf("--env") + 1]}` : "") : "";
  exit(
    0,
    JSON.stringify(
      (state.secrets[script] ?? []).map((name) => ({ name, type: "secret_text" })),
      null,
      2,
    ) + "\n",
  );
}
if (a === "deploy" && args.includes("--dry-run")) exit(0, `Total Upload: 100.00 KiB / gzip: 20.00 KiB\n--dry-run: exiting now.\n`);
exit(2, "", `fake wrangler: unknown command: ${args.join(" ")}\n`);
