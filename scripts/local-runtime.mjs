#!/usr/bin/env node
// The local system in one workerd process, started by `scripts/dev.mjs`.
//
// Each worker's wrangler config gives its Miniflare options (bindings, Durable Objects,
// queues, D1, the generated .dev.vars), exactly as `wrangler dev` reads them; esbuild
// bundles each worker's `main` and rebuilds it on every change, and Miniflare reloads
// the new bundles (this process keeps running; a bundle that fails to build is not loaded).
//
// Why not `wrangler dev`: it puts a proxy of its own (a second workerd process, one
// never-evicted object every request and socket passes through) in front of the
// runtime. That proxy keeps 12-14 KiB per request as garbage until it is busy again,
// so the local process tree never came back to its starting memory after a soak
// (BENCHMARKS.md). Miniflare alone is the runtime and nothing else.
//
// Once the system has worked and then been quiet for IDLE_COLLECT_S seconds (default 10; 0
// turns it off), every isolate runs one full collection (scripts/idle-collector.ts says why).
//
// Arguments: --port N --host H --persist-to DIR --inspector-port N, then the configs.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { context } from "esbuild";
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { startIdleCollector } from "./idle-collector.ts";

const { values: flags, positionals: configs } = parseArgs({
  allowPositionals: true,
  options: { port: { type: "string", default: "8787" }, host: { type: "string", default: "127.0.0.1" }, "persist-to": { type: "string" }, "inspector-port": { type: "string", default: "0" } },
});
const root = resolve(import.meta.dirname, "..");
const outRoot = resolve(root, ".wrangler/tmp/local-runtime");

/** One worker: its options from its config, and where its bundle is written. */
function describe(configPath) {
  const config = unstable_readConfig({ config: configPath });
  const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(configPath);
  if (!main) throw new Error(`${configPath}: no main`);
  const outfile = resolve(outRoot, config.name, "index.js");
  mkdirSync(dirname(outfile), { recursive: true });
  return { name: config.name, configPath, main, define, workerOptions, outfile };
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

let miniflare;
let collector;
const built = new Set();
// Builds end in any order and several at once (a change to shared code rebuilds every worker);
// starts and reloads run one after another.
let queue = Promise.resolve();

async function start() {
  try {
    miniflare = new Miniflare(miniflareOptions());
    const url = await miniflare.ready;
    console.log(`local runtime: ${workers.map((w) => w.name).join(", ")} ready on ${url.href}`);
    collector = startIdleCollector({ inspector: () => miniflare.getInspectorURL(), quietS: Number(process.env.IDLE_COLLECT_S ?? 10) });
  } catch (e) {
    console.error(`local runtime: could not start: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  }
}

async function reload(worker) {
  try {
    await miniflare.setOptions(miniflareOptions());
    console.log(`local runtime: reloaded ${worker.name}`);
  } catch (e) {
    console.error(`local runtime: reloading ${worker.name} failed, fix and save again: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function onBuilt(worker, errors) {
  if (errors.length > 0) return; // esbuild printed them; keep serving the last good bundle
  const first = !built.has(worker.name);
  built.add(worker.name);
  if (built.size < workers.length) return; // the first start waits for every worker's bundle
  queue = queue.then(() => (miniflare ? reload(worker) : first ? start() : undefined));
}

const contexts = await Promise.all(
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
      external: ["node:*", "cloudflare:*"],
      sourcemap: true,
      logLevel: "warning",
      define: worker.define,
      plugins: [{ name: "reload", setup: (b) => b.onEnd((result) => onBuilt(worker, result.errors)) }],
    }),
  ),
);
await Promise.all(contexts.map((c) => c.watch()));

async function stop() {
  collector?.stop();
  await Promise.all(contexts.map((c) => c.dispose()));
  await miniflare?.dispose();
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
