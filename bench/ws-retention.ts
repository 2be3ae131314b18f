/**
 * `npm run bench:ws-retention`: what the local runtime keeps per Durable Object once the object
 * is idle and every isolate has collected its garbage, for objects that took one RPC (the
 * baseline, measured in the same run) and for objects that accepted a hibernatable WebSocket
 * which the client then closed. Runs a 40-line worker (bench/ws-retention/), not the ride
 * system, so the figures belong to the local runtime and to wrangler.
 *
 * Then WS_RETENTION_REQUESTS plain requests to one object show what each request leaves.
 *
 * The worker runs the way `npm run dev` runs the system, on Miniflare alone (one workerd
 * process, scripts/local-runtime.mjs), or with WS_RETENTION_RUNNER=wrangler under `wrangler dev`,
 * which adds wrangler's front proxy: a one-object worker in a workerd of its own, with no
 * inspector, whose garbage the bench cannot collect. Its figures are reported apart.
 *
 * Fifty objects of each kind run first and are not counted: the first ones grow the runtime's
 * tables and caches once, whichever kind comes first.
 *
 * With WS_RETENTION_LONG=N, it then sends N more plain requests and reads both processes every
 * 10,000, to show whether what they keep has a bound or not.
 *
 * Settings: WS_RETENTION_OBJECTS (default 300), WS_RETENTION_IDLE_S (default 30),
 * WS_RETENTION_REQUESTS (default 1000), WS_RETENTION_LONG (default 0),
 * WS_RETENTION_RUNNER (miniflare, the default, or wrangler).
 * Linux only; the allocator figure needs gdb (bench/runtime-memory.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../test/support/system.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { collectAllGarbage, readMemory, workerdRoles, type MemoryReading as Reading, type WorkerdRoles } from "./runtime-memory.ts";

const OBJECTS = Number(process.env.WS_RETENTION_OBJECTS ?? 300);
const IDLE_S = Number(process.env.WS_RETENTION_IDLE_S ?? 30);
const REQUESTS = Number(process.env.WS_RETENTION_REQUESTS ?? 1000);
const LONG = Number(process.env.WS_RETENTION_LONG ?? 0);
const RUNNER = process.env.WS_RETENTION_RUNNER ?? "miniflare";
const root = resolve(import.meta.dirname, "..");

/** One full collection in every isolate of the runtime, then a reading of both processes. */
async function settle(roles: WorkerdRoles): Promise<Reading> {
  await collectAllGarbage(roles.runtime);
  await sleep(2000);
  return readMemory(roles);
}

/** Opens a socket to a new object, waits for its first message, closes, and waits for the close. */
function socketRoundTrip(url: string): Promise<void> {
  return new Promise((resolveTrip, reject) => {
    const ws = new WebSocket(url);
    ws.addEventListener("message", () => ws.close(1000));
    ws.addEventListener("close", () => resolveTrip());
    ws.addEventListener("error", () => reject(new Error(`socket ${url} failed`)));
  });
}

/** Runs `run(0 … count-1)`, `size` at a time. */
async function inBatches(count: number, run: (i: number) => Promise<unknown>, size = 20): Promise<void> {
  for (let i = 0; i < count; i += size) await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => run(i + j)));
}

async function main() {
  const port = await freePort();
  const persist = mkdtempSync(join(tmpdir(), "ws-retention-"));
  const localNode = resolve(root, "node_modules/.bin/node");
  const config = resolve(root, "bench/ws-retention/wrangler.toml");
  const args = RUNNER === "wrangler"
    ? [resolve(root, "node_modules/wrangler/bin/wrangler.js"), "dev", "-c", config, "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persist, "--show-interactive-dev-session=false"]
    : [resolve(root, "scripts/local-runtime.mjs"), "--port", String(port), "--persist-to", persist, config];
  const child = spawn(existsSync(localNode) ? localNode : process.execPath, args,
    { cwd: root, detached: true, stdio: "ignore", env: { WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false", ...process.env } });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/rpc/warmup`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 120) throw new Error("the worker did not start");
      await sleep(500);
    }
    const roles = workerdRoles(child.pid!);
    const same = () => fetch(`${base}/rpc/same`).then((r) => r.text());
    // the first objects of each kind grow the runtime's tables and caches once; not counted
    await inBatches(50, (i) => fetch(`${base}/rpc/warm-${i}`).then((r) => r.text()));
    await inBatches(50, (i) => socketRoundTrip(`${base.replace("http", "ws")}/ws/warm-${i}`));
    await sleep(IDLE_S * 1000);
    const start = await settle(roles);
    await inBatches(OBJECTS, (i) => fetch(`${base}/rpc/${i}`).then((r) => r.text()));
    await sleep(IDLE_S * 1000);
    const afterRpc = await settle(roles);
    await inBatches(OBJECTS, (i) => socketRoundTrip(`${base.replace("http", "ws")}/ws/${i}`));
    await sleep(IDLE_S * 1000);
    const afterWs = await settle(roles);
    await inBatches(REQUESTS, same);
    await sleep(IDLE_S * 1000);
    const afterRequests = await settle(roles);

    const fmt = (n: number | undefined) => (n === undefined ? "n/a" : n.toFixed(1));
    /** KiB kept per object or request between two readings. */
    const kept = (a: number | undefined, b: number | undefined, per: number) => (a === undefined || b === undefined ? "n/a" : (((a - b) * 1024) / per).toFixed(1));
    const row = (label: string, r: Reading, before: Reading | null, per: number) =>
      `| ${label} | ${fmt(r.runtimeMiB)} | ${fmt(r.runtimeInUseMiB)} | ${fmt(r.jsUsedMiB)} | ${fmt(r.proxyInUseMiB)} | ${before ? kept(r.runtimeInUseMiB, before.runtimeInUseMiB, per) : ""} | ${before ? kept(r.proxyInUseMiB, before.proxyInUseMiB, per) : ""} |`;
    console.log([
      `${RUNNER}: ${OBJECTS} new objects each way, then ${REQUESTS} requests to one object; readings ${IDLE_S} s after the last, after one full collection per isolate of the runtime`,
      "",
      "| MiB | runtime: RSS | runtime: allocator in use | runtime: JS heaps | proxy: allocator in use | kept in the runtime | kept in the proxy |",
      "|---|---|---|---|---|---|---|",
      row("start", start, null, 1),
      row(`after ${OBJECTS} objects with one RPC (baseline); kept: KiB per object`, afterRpc, start, OBJECTS),
      row(`after ${OBJECTS} objects with a hibernatable socket, closed; kept: KiB per object`, afterWs, afterRpc, OBJECTS),
      row(`after ${REQUESTS} requests to one object; kept: KiB per request`, afterRequests, afterWs, REQUESTS),
    ].join("\n"));

    if (LONG > 0) {
      const series: string[] = [];
      for (let sent = 0; ; sent += 10_000) {
        const now = await readMemory(roles);
        series.push(`| ${sent} | ${fmt(now.runtimeInUseMiB)} | ${fmt(now.runtimeMiB)} | ${fmt(now.proxyInUseMiB)} | ${fmt(now.proxyMiB)} |`);
        if (sent >= LONG) break;
        await inBatches(10_000, same, 50);
      }
      console.log(["", `${LONG} more requests to one object, 50 at a time; read every 10,000 (no collection forced)`, "",
        "| requests | runtime: allocator in use, MiB | runtime: RSS, MiB | proxy: allocator in use, MiB | proxy: RSS, MiB |", "|---|---|---|---|---|", ...series].join("\n"));
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await sleep(1000);
    rmSync(persist, { recursive: true, force: true });
  }
}

await main();
