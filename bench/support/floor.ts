/**
 * The benchmark floor (bench/floor/) under its own `wrangler dev`: started beside the ride
 * system by `npm run bench:dispatch` and `npm run bench:cost`, in its own process group (so its
 * CPU is read apart from the system's), on a free port of 127.0.0.1 with a fresh state
 * directory; `stop` ends the group by its id and removes the state.
 *
 * @example
 * const floor = await startFloor();
 * try { await fetch(`${floor.baseUrl}/op`, { method: "POST", body: '{"key":"k1"}' }); } finally { await floor.stop(); }
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, stopProcessGroup } from "../../test/support/system.ts";
import { reapWithProcess } from "../../test/support/reaper.ts";
import { localWranglerEnv } from "../../scripts/wrangler-env.mjs";

export interface FloorWorker {
  baseUrl: string;
  /** The id of its process group (wrangler and its workerd). */
  pid: number;
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFloor(): Promise<FloorWorker> {
  const root = resolve(import.meta.dirname, "../..");
  const localNode = resolve(root, "node_modules/.bin/node"); // wrangler needs Node 22
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), "bench-floor-"));
  const output: string[] = [];
  // The same wrangler environment as the ride system's (scripts/dev.mjs), so both are measured alike.
  const child = spawn(
    existsSync(localNode) ? localNode : process.execPath,
    [
      resolve(root, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "-c",
      resolve(root, "bench/floor/wrangler.toml"),
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      state,
      "--inspector-port",
      "0",
      "--show-interactive-dev-session=false",
    ],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: localWranglerEnv() },
  );
  child.stdout?.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr?.on("data", (b: Buffer) => output.push(b.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  // Ended with this process however it ends (an error, Ctrl-C), not only by stop().
  const forget = child.pid ? reapWithProcess(child.pid) : () => {};
  const stop = async () => {
    if (child.pid) await stopProcessGroup(child.pid);
    forget();
    rmSync(state, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!exited && Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/`, { method: "POST", body: JSON.stringify({ key: "ready" }) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { baseUrl, pid: child.pid ?? 0, stop };
    await sleep(300);
  }
  await stop();
  throw new Error(`the floor worker did not start on ${baseUrl}:\n${output.join("").slice(-4000)}`);
}
