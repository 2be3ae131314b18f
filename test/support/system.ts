/**
 * Starts the whole local system (`scripts/dev.mjs`: all four workers, Durable
 * Objects, queues, D1) on a free port with a fresh state directory, plus a webhook
 * receiver, and stops both by process id. Used by the e2e tests and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface ReceivedWebhook {
  body: string;
  signature: string | undefined;
  json: { id: string; event: string; rideId: string; recipient: string; locale: string; text: string; texts: { ko: string; en: string }; ride: { status: string } };
}

export interface RunningSystem {
  baseUrl: string;
  webhookSecret: string;
  webhooks: ReceivedWebhook[];
  logs: string[];
  /** Makes the webhook receiver answer 503 (true) or take deliveries again (false). */
  failWebhooks: (failing: boolean) => void;
  /** The process ids of the workerd processes serving the system (for memory figures). */
  pid: number;
  stop: () => Promise<void>;
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
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
        webhooks.push({ body, signature: req.headers["x-signature"] as string | undefined, json: JSON.parse(body) as ReceivedWebhook["json"] });
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
  return hook.signature === `sha256=${createHmac("sha256", secret).update(hook.body).digest("hex")}`;
}

/**
 * @example
 * const system = await startSystem({ DISPATCH_MODE: "auto" });
 * try { await fetch(`${system.baseUrl}/healthz`); } finally { await system.stop(); }
 */
export async function startSystem(vars: Record<string, string> = {}, timeoutMs = 120_000): Promise<RunningSystem> {
  const root = resolve(import.meta.dirname, "../..");
  const port = await freePort();
  const persistDir = mkdtempSync(join(tmpdir(), "rides-state-"));
  const webhooks: ReceivedWebhook[] = [];
  const failing = { now: false };
  const receiver = await startWebhookReceiver(webhooks, failing);
  const webhookSecret = "e2e-webhook-secret-0123456789";
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [resolve(root, "scripts/dev.mjs")], {
    cwd: root,
    detached: true, // own process group, so stop() ends the runner and workerd together
    stdio: ["ignore", "pipe", "pipe"],
    // no idle collection unless asked for (the soak does): its pauses would only add noise to timed tests
    env: { ...process.env, PORT: String(port), PERSIST_DIR: persistDir, NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: webhookSecret, IDLE_COLLECT_S: "0", ...vars },
  });
  const keep = (b: Buffer) => {
    logs.push(b.toString());
    if (logs.length > 5000) logs.splice(0, 1000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  child.on("exit", () => (exited = true));

  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await new Promise<void>((r) => receiver.server.close(() => r()));
    rmSync(persistDir, { recursive: true, force: true });
    // E2E_LOG_DIR=dir keeps the system's output of each run, for looking into a failure.
    if (process.env.E2E_LOG_DIR) writeFileSync(join(process.env.E2E_LOG_DIR, `system-${port}.log`), logs.join(""));
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (exited) break;
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) return { baseUrl, webhookSecret, webhooks, logs, stop, pid: child.pid ?? 0, failWebhooks: (value: boolean) => void (failing.now = value) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`local system did not become ready on ${baseUrl}:\n${logs.join("").slice(-4000)}`);
}
