#!/usr/bin/env node
/**
 * `npm run views:rebuild [-- --base-url URL] [-- --limit N] [-- --cursor C]`: rebuilds the
 * D1 query views from the Durable Objects, for every ride and rental the views or the
 * payment ledger know of, on a RUNNING system (local `npm run dev`, or a deployment).
 * It calls `POST /v1/ops/views/rebuild` page by page until the gateway says it is done;
 * each page is idempotent, so a run stopped half-way is resumed with the printed cursor.
 *
 *   base URL: --base-url, else BASE_URL, else http://127.0.0.1:8787
 *   token:    OPS_TOKEN (an ops bearer token), else one minted from JWT_SECRET in the
 *             environment or in the local .dev.vars that `npm run dev` writes
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

export interface RebuildArgs {
  baseUrl: string;
  limit: number;
  cursor: string | null;
}

/**
 * @example
 * parseArgs(["--base-url", "http://localhost:9000", "--limit", "50"], {}); // { baseUrl: "http://localhost:9000", limit: 50, cursor: null }
 */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): RebuildArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i >= 0) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`${name}=`));
    return eq?.slice(name.length + 1);
  };
  const limit = Number(value("--limit") ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new Error("--limit: a whole number from 1 to 50");
  const baseUrl = (value("--base-url") ?? env.BASE_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  return { baseUrl, limit, cursor: value("--cursor") ?? null };
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * An HS256 JWT as the gateway checks it (workers/gateway/auth.ts: claims sub, role, exp).
 *
 * @example
 * const token = mintToken(secret, { sub: "views-rebuild", role: "ops" });
 */
export function mintToken(secret: string, claims: { sub: string; role: string }, ttlSeconds = 3600, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const head = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds }))}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/**
 * JWT_SECRET from a .dev.vars file (KEY="value" lines), or null.
 *
 * @example
 * const secret = devSecret(readFileSync(".dev.vars", "utf8"));
 */
export function devSecret(devVars: string): string | null {
  for (const line of devVars.split(/\r?\n/)) {
    const m = /^\s*JWT_SECRET\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1]) return m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
  }
  return null;
}

/** The ops token to use: OPS_TOKEN, else minted from JWT_SECRET (environment, then the local .dev.vars). */
export function opsToken(env: Record<string, string | undefined>, dir = root): string {
  if (env.OPS_TOKEN) return env.OPS_TOKEN;
  const path = resolve(dir, ".dev.vars");
  const secret = env.JWT_SECRET ?? (existsSync(path) ? devSecret(readFileSync(path, "utf8")) : null);
  if (!secret) throw new Error("no token: set OPS_TOKEN, or JWT_SECRET, or run `npm run dev` once so that .dev.vars exists");
  return mintToken(secret, { sub: "views-rebuild", role: "ops" });
}

export interface RebuildTotals {
  pages: number;
  rebuilt: number;
  missing: string[];
  failed: string[];
}

interface Page {
  rebuilt: number;
  missing?: string[];
  failed?: string[];
  nextCursor: string | null;
}

/**
 * Calls the rebuild endpoint until it answers no next cursor. A page that fails (network,
 * 5xx) is tried again a few times; then the error says which cursor to resume from.
 *
 * @example
 * const totals = await rebuildAll({ baseUrl, token, limit: 20, cursor: null });
 */
export async function rebuildAll(
  options: RebuildArgs & { token: string; fetch?: typeof fetch; log?: (line: string) => void; retryDelayMs?: number },
): Promise<RebuildTotals> {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => undefined);
  const totals: RebuildTotals = { pages: 0, rebuilt: 0, missing: [], failed: [] };
  let cursor = options.cursor;
  do {
    let page: Page | null = null;
    let lastError = "";
    for (let attempt = 1; attempt <= 4 && !page; attempt++) {
      try {
        const res = await doFetch(`${options.baseUrl}/v1/ops/views/rebuild`, {
          method: "POST",
          headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
          body: JSON.stringify(cursor ? { cursor, limit: options.limit } : { limit: options.limit }),
        });
        const text = await res.text();
        // 4xx will not get better by trying again (a bad token, a bad cursor)
        if (res.status >= 400 && res.status < 500) throw Object.assign(new Error(`HTTP ${res.status}: ${text}`), { final: true });
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
        page = JSON.parse(text) as Page;
      } catch (error) {
        lastError = String((error as Error).message ?? error);
        if ((error as { final?: boolean }).final) break;
        await new Promise((r) => setTimeout(r, (options.retryDelayMs ?? 1000) * attempt));
      }
    }
    if (!page) {
      const resume = cursor ? `\nresume with: npm run views:rebuild -- --cursor ${cursor}` : "";
      throw new Error(`rebuild stopped at ${options.baseUrl} (is the system running?): ${lastError}${resume}`);
    }
    totals.pages += 1;
    totals.rebuilt += page.rebuilt;
    totals.missing.push(...(page.missing ?? []));
    totals.failed.push(...(page.failed ?? []));
    log(`page ${totals.pages}: ${page.rebuilt} rides and rentals rebuilt (${totals.rebuilt} so far)`);
    cursor = page.nextCursor;
  } while (cursor);
  return totals;
}

if (import.meta.main) {
  try {
    const args = parseArgs(process.argv.slice(2), process.env);
    const token = opsToken(process.env);
    console.log(`views:rebuild against ${args.baseUrl}`);
    const totals = await rebuildAll({ ...args, token, log: (line) => console.log(line) });
    console.log(`views:rebuild: ${totals.rebuilt} rides and rentals rebuilt in ${totals.pages} pages`);
    if (totals.missing.length) console.log(`no object knows ${totals.missing.length} rides or rentals: ${totals.missing.join(", ")}`);
    if (totals.failed.length) {
      console.error(`${totals.failed.length} rides or rentals failed (run again to retry them):\n  ${totals.failed.join("\n  ")}`);
      process.exit(1);
    }
  } catch (error) {
    console.error(`views:rebuild: ${(error as Error).message}`);
    process.exit(1);
  }
}
