#!/usr/bin/env node
// The local system in one workerd process, started by `scripts/dev.mjs`.
//
// Each worker's wrangler config gives its Miniflare options (bindings, Durable Objects,
// queues, D1, the generated .dev.vars) through wrangler's own reader; esbuild bundles each
// worker's `main` and rebuilds it on every change. After a change, Miniflare restarts the
// runtime with the new bundles (all workers: in-memory state and open sockets go, as with any
// restart); this process keeps running, and a bundle that fails to build is not loaded.
// Changes to a wrangler.toml or .dev.vars need `npm run dev` again.
//
// Why not `wrangler dev`: it puts a proxy of its own (a second workerd process, one
// never-evicted object every request and socket passes through) in front of the
// runtime. That proxy keeps 12-14 KiB per request as garbage until it is busy again,
// so the local process tree never came back to its starting memory after a soak
// (BENCHMARKS.md). Miniflare alone is the runtime and nothing else. Not carried over from
// `wrangler dev`: its local explorer and trace collection, source-mapped stacks in error logs
// (stacks point into the bundles under .wrangler/tmp), and the worker's name before each line.
//
// Once the system has worked and then been quiet for IDLE_COLLECT_S seconds (default 10; 0
// turns it off), every isolate runs one full collection (scripts/idle-collector.ts says why).
//
// Arguments: --port N --host H --persist-to DIR --inspector-port N, then the configs.
import { mkdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { context } from "esbuild";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { startIdleCollector } from "./idle-collector.ts";

let miniflare;
let collector;
let contexts = [];
let stopping = false;
// Disposes Miniflare before anything else: a workerd that exits while Miniflare still runs is
// taken for a crash and started again. Runs once, however many signals come.
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  try {
    collector?.stop();
    await miniflare?.dispose();
    await Promise.all(contexts.map((c) => c.dispose()));
  } finally {
    process.exit(code);
  }
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Miniflare has exit hooks of its own that may end the process first; this one runs on any exit.
process.on("exit", () => rmSync(outRoot, { recursive: true, force: true }));

const { values: flags, positionals: configs } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string", default: "8787" }, host: { type: "string", default: "127.0.0.1" }, "persist-to": { type: "string" }, "inspector-port": { type: "string", default: "0" } },
});
const root = resolve(import.meta.dirname, "..");
// one folder per runner: `npm run dev` and the e2e systems may run side by side
const outRoot = resolve(root, `.wrangler/tmp/local-runtime-${process.pid}`);

/** One worker: its options from its config (read once), and where its bundle is written. */
function describe(configPath) {
  const config = unstable_readConfig({ config: configPath });
  const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(config);
  if (!main) throw new Error(`${configPath}: no main`);
  const outfile = resolve(outRoot, config.name, "index.js");
  mkdirSync(dirname(outfile), { recursive: true });
  return { name: config.name, main, define, workerOptions, outfile };
}

const workers = configs.map(describe);

function miniflareOptions() {
  return convertV4MiniflareOptions({
    host: flags.host,
    port: Number(flags.port),
    inspectorPort: Number(flags["inspector-port"]),
    resourcePersistencePath: flags["persist-to"] ? resolve(flags["persist-to"], "v3") : undefined,
    log: new Log(LogLevel.INFO),
    logRequests: false, // the gateway logs every request itself, with its request id
    cf: false,
    // The first worker (the gateway) gets every request the server receives.
    // One bundle per worker, so wrangler's module rules (for unbundled imports) have nothing to do.
    workers: workers.map(({ name, outfile, workerOptions: { modulesRules: _rules, rootPath: _root, ...options } }) => ({ ...options, name, modules: true, scriptPath: outfile, modulesRoot: dirname(outfile) })),
  });
}

const built = new Set();
// Builds end in any order and several at once (a change to shared code rebuilds every worker):
// the first start waits for every bundle, and later builds within 200 ms make one restart.
let reloadTimer;
let reloading = Promise.resolve();

async function start() {
  try {
    miniflare = new Miniflare(miniflareOptions());
    const url = await miniflare.ready;
    console.log(`local runtime: ${workers.map((w) => w.name).join(", ")} ready on ${url.href}`);
    collector = startIdleCollector({ inspector: () => miniflare.getInspectorURL(), quietS: Number(process.env.IDLE_COLLECT_S ?? 10) });
  } catch (e) {
    console.error(`local runtime: could not start: ${e instanceof Error ? e.stack : String(e)}`);
    await stop(1);
  }
}

async function reload() {
  try {
    await miniflare.setOptions(miniflareOptions());
    console.log("local runtime: reloaded");
  } catch (e) {
    console.error(`local runtime: reload failed, fix and save again: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function onBuilt(worker, errors) {
  if (errors.length > 0 || stopping) return; // esbuild printed the errors; keep the last good bundles
  const first = !built.has(worker.name);
  built.add(worker.name);
  if (built.size < workers.length) return;
  if (first && !miniflare) {
    reloading = reloading.then(start);
    return;
  }
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => (reloading = reloading.then(reload)), 200);
}

// As wrangler bundles for nodejs_compat: node's built-in modules, with or without "node:",
// come from workerd.
const builtins = builtinModules.flatMap((m) => [m, `${m}/*`, `node:${m}`, `node:${m}/*`]);
contexts = await Promise.all(
  workers.map((worker) =>
    context({
      entryPoints: [worker.main],
      outfile: worker.outfile,
      bundle: true,
      format: "esm",
      target: "es2024",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      external: ["node:*", "cloudflare:*", ...builtins],
      keepNames: true,
      sourcemap: true,
      logLevel: "warning",
      define: { "process.env.NODE_ENV": JSON.stringify(process.env.NODE_ENV ?? "development"), ...worker.define },
      plugins: [{ name: "reload", setup: (b) => b.onEnd((result) => onBuilt(worker, result.errors)) }],
    }),
  ),
);
await Promise.all(contexts.map((c) => c.watch()));
