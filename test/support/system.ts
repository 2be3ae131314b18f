/**
 * Starts the whole local system the way a user does (`scripts/dev.mjs`, that is
 * `wrangler dev` with all four workers, Durable Objects, queues, D1) on a free port with
 * a fresh state directory, plus a webhook receiver, and stops both: the system by its
 * process group (dev.mjs, wrangler and its workerd processes). Used by the e2e tests and
 * the benchmarks.
 *
 * Like `npm run dev`, each system gets its variables from the `.dev.vars` files that dev.mjs
 * writes into the checkout, which wrangler reads when it starts and again when a config
 * changes: systems started one after another (the e2e files run one at a time) are fine, but
 * two suites, or a suite and `npm run dev`, in one checkout at once can read each other's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { reapWithProcess } from "./reaper.ts";

export interface ReceivedWebhook {
  body: string;
  signature: string | undefined;
  /** The `x-correlation-id` header: the id of the request that caused the notice. */
  correlationId: string | undefined;
  /** The `x-webhook-signature` header: `t=<unix s>,sha256=<HMAC of "<t>.<body>">`. */
  timestampedSignature: string | undefined;
  json: {
    id: string;
    event: string;
    rideId: string;
    recipient: string;
    locale: string;
    text: string;
    texts: { ko: string; en: string };
    ride: { status: string };
  };
}

export interface RunningSystem {
  baseUrl: string;
  webhookSecret: string;
  webhooks: ReceivedWebhook[];
  logs: string[];
  /** Log lines the workers have written so far, the development counters' own lines left out: a log line is work too. */
  readonly logLines: number;
  /** Makes the webhook receiver answer 503 (true) or take deliveries again (false). */
  failWebhooks: (failing: boolean) => void;
  /** The id of the system's process group (scripts/dev.mjs, wrangler and its workerd processes); a restart changes it. */
  readonly pid: number;
  /** The port it listens on, the same after a restart. */
  port: number;
  /** Its state directory (PERSIST_DIR), the same after a restart. */
  persistDir: string;
  /**
   * Sends `signal` to the whole process group (SIGKILL: a crash, nothing gets to clean up)
   * and waits until every process of it is gone. The state directory stays.
   */
  kill: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts the system again with the same variables, port and state directory; resolves once /readyz answers. */
  restart: (timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

export interface SystemOptions {
  /** The port (default: a free one). */
  port?: number;
  /** The state directory (default: a fresh temporary one, removed by stop(); a given one is kept). */
  persistDir?: string;
}

/** Below Linux's ephemeral range (32768–60999), where no socket gets a port it did not ask for. */
const OWN_PORTS = { from: 20_000, to: 32_000 };

/**
 * A TCP port free on 127.0.0.1 at the time of asking, below the ephemeral range: a port the
 * kernel hands out (listen(0)) can be handed out again to one of the many sockets wrangler and
 * workerd open with port 0 while the system starts, before it binds its own (seen once in CI:
 * "Address already in use" on the port just chosen).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = OWN_PORTS.from + Math.floor(Math.random() * (OWN_PORTS.to - OWN_PORTS.from));
    const server = createServer();
    const bound = await new Promise<boolean>((r) => {
      server.once("error", () => r(false));
      server.listen(port, "127.0.0.1", () => r(true));
    });
    if (!bound) continue;
    await new Promise<void>((r) => server.close(() => r()));
    return port;
  }
  throw new Error(`no free port between ${OWN_PORTS.from} and ${OWN_PORTS.to} after 50 tries`);
}

function startWebhookReceiver(webhooks: ReceivedWebhook[], failing: { now: boolean }): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (failing.now) {
      req.resume();
      res.writeHead(503).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        webhooks.push({
          body,
          signature: req.headers["x-signature"] as string | undefined,
          correlationId: req.headers["x-correlation-id"] as string | undefined,
          timestampedSignature: req.headers["x-webhook-signature"] as string | undefined,
          json: JSON.parse(body) as ReceivedWebhook["json"],
        });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` })));
}

/** True when the HMAC-SHA256 signature header matches the raw body. */
export function signatureValid(hook: ReceivedWebhook, secret: string): boolean {
  const hmac = (text: string) => createHmac("sha256", secret).update(text).digest("hex");
  // Both signatures: the contract's, of the body; and the one with the send time, within the last 5 minutes.
  const timed = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(hook.timestampedSignature ?? "");
  const fresh = timed !== null && Math.abs(Date.now() / 1000 - Number(timed[1])) <= 300 && timed[2] === hmac(`${timed[1]}.${hook.body}`);
  return fresh && hook.signature === `sha256=${hmac(hook.body)}`;
}

/** True while any process of the group `pgid` is alive (zombies, waiting to be reaped, do not count). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  if (!existsSync("/proc/self/stat")) return true;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") return true;
    } catch {
      // gone meanwhile
    }
  }
  return false;
}

/**
 * Ends the process group `pgid` (a child spawned with `detached: true`) and waits until every
 * process of it is gone: SIGTERM, then SIGKILL after 10 s. The whole group, not only its leader:
 * wrangler's workerd processes can outlive their parent for a moment, and must be gone before
 * their state directory is removed or their port is reused.
 */
export async function stopProcessGroup(pgid: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + 10_000;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!groupAlive(pgid)) return;
  signal("SIGKILL");
  const killed = Date.now() + 5_000;
  while (groupAlive(pgid) && Date.now() < killed) await new Promise((r) => setTimeout(r, 50));
}

/**
 * `vars` override the system's configuration (the same names as `npm run dev` reads from its
 * environment). The rate limiter is off unless a test passes `{ RATE_LIMITS: "on" }`: load and
 * many-token tests would hit it. `options` choose the port and the state directory (the crash
 * test keeps both across a `kill("SIGKILL")` and a `restart()`).
 *
 * @example
 * const system = await startSystem({ DISPATCH_MODE: "auto" });
 * try { await fetch(`${system.baseUrl}/healthz`); } finally { await system.stop(); }
 */
export async function startSystem(vars: Record<string, string> = {}, timeoutMs = 120_000, options: SystemOptions = {}): Promise<RunningSystem> {
  const root = resolve(import.meta.dirname, "../..");
  const port = options.port ?? (await freePort());
  const ownState = options.persistDir === undefined;
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "rides-state-"));
  const webhooks: ReceivedWebhook[] = [];
  const failing = { now: false };
  const receiver = await startWebhookReceiver(webhooks, failing);
  const webhookSecret = "e2e-webhook-secret-0123456789";
  const logs: string[] = [];
  const env = {
    ...process.env,
    PORT: String(port),
    PERSIST_DIR: persistDir,
    INSPECTOR_PORT: "0", // any free devtools port: systems side by side never pick the same one
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: webhookSecret,
    RATE_LIMITS: "off",
    ...vars,
  };
  let logLines = 0;
  const keep = (b: Buffer) => {
    const text = b.toString();
    logs.push(text);
    for (const m of text.matchAll(/\{"msg":"([^"]*)"/g)) if (m[1] !== "dev metrics") logLines++;
    if (logs.length > 5000) logs.splice(0, 1000);
  };
  // The current process group; a restart replaces it.
  let child: ChildProcess;
  let exited = false;
  // If this process ends without stop() (a crash, a timed-out hook, Ctrl-C, vitest's SIGTERM), the group must not live on.
  let forget = () => {};
  const launch = () => {
    const started = spawn(process.execPath, [resolve(root, "scripts/dev.mjs")], {
      cwd: root,
      detached: true, // own process group, so stop() ends dev.mjs, wrangler and workerd together
      stdio: ["ignore", "pipe", "pipe"], // no terminal: dev.mjs turns wrangler's key bindings off
      env,
    });
    started.stdout?.on("data", keep);
    started.stderr?.on("data", keep);
    exited = false;
    started.on("exit", () => {
      if (started === child) exited = true;
    });
    forget();
    forget = started.pid ? reapWithProcess(started.pid) : () => {};
    child = started;
  };
  launch();

  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    const pgid = child.pid;
    if (!pgid) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
    const deadline = Date.now() + 10_000;
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // A signal the group ignored (or a process that outlived the deadline) ends as stop() would.
    await stopProcessGroup(pgid);
    forget();
  };

  const stop = async () => {
    if (child.pid) await stopProcessGroup(child.pid);
    forget();
    receiver.server.closeAllConnections();
    await new Promise<void>((r) => receiver.server.close(() => r()));
    if (ownState) rmSync(persistDir, { recursive: true, force: true });
    // E2E_LOG_DIR=dir keeps the system's output of each run, for looking into a failure.
    if (process.env.E2E_LOG_DIR) writeFileSync(join(process.env.E2E_LOG_DIR, `system-${port}.log`), logs.join(""));
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = async (limitMs: number): Promise<boolean> => {
    const started = Date.now();
    while (Date.now() - started < limitMs) {
      if (exited) return false;
      try {
        // wrangler's proxy holds a request until the workers are up (or, after a build error,
        // until a change builds), so each probe has its own deadline
        const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    return false;
  };

  const restart = async (limitMs = timeoutMs) => {
    await kill("SIGKILL");
    launch();
    if (!(await ready(limitMs))) {
      await kill("SIGKILL");
      throw new Error(`local system did not become ready again on ${baseUrl}:\n${logs.join("").slice(-4000)}`);
    }
  };

  if (await ready(timeoutMs)) {
    return {
      baseUrl,
      webhookSecret,
      webhooks,
      logs,
      stop,
      kill,
      restart,
      port,
      persistDir,
      get logLines() {
        return logLines;
      },
      get pid() {
        return child.pid ?? 0;
      },
      failWebhooks: (value: boolean) => void (failing.now = value),
    };
  }
  await stop();
  throw new Error(`local system did not become ready on ${baseUrl}:\n${logs.join("").slice(-4000)}`);
}
