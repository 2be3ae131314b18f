/**
 * The crash test's HTTP client, as an app's: every attempt has a deadline, and a request
 * that got no answer (refused, reset, timed out) or a 5xx is sent again, the same request
 * with the same Idempotency-Key, once the system is up again (`Gate`), until its own
 * deadline. Only ever to 127.0.0.1.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/** Whether the system is up; clients wait at the gate while it is down (a crash and its restart). */
export class Gate {
  private isUp = true;
  private waiters: (() => void)[] = [];

  get up(): boolean {
    return this.isUp;
  }

  close(): void {
    this.isUp = false;
  }

  open(): void {
    this.isUp = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once the gate is open, or after `ms` at the latest. */
  async wait(ms: number): Promise<void> {
    if (this.isUp || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** One attempt's deadline (default 10 s). */
  timeoutMs?: number;
}

export class Http {
  readonly baseUrl: string;
  readonly gate: Gate;
  /** Attempts that got no answer or a 5xx, and were sent again. */
  retries = 0;

  constructor(baseUrl: string, gate: Gate) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(baseUrl)) throw new Error(`the crash test only talks to 127.0.0.1, not ${baseUrl}`);
    this.baseUrl = baseUrl;
    this.gate = gate;
  }

  /** One attempt; throws when no answer came. */
  async once<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: body as T };
  }

  /**
   * The request until it is answered below 500 (the same request each time), waiting at the
   * gate while the system is down; null when `until` (epoch ms) passed first.
   */
  async send<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions, until: number): Promise<Answer<T> | null> {
    let pause = 200;
    while (Date.now() < until) {
      await this.gate.wait(until - Date.now());
      if (Date.now() >= until) break;
      try {
        const answer = await this.once<T>(method, path, options);
        if (answer.status < 500) return answer;
      } catch {
        // no answer: down, restarting, or too slow; sent again below
      }
      this.retries += 1;
      await sleep(Math.min(pause, Math.max(0, until - Date.now())));
      pause = Math.min(pause * 2, 2_000);
    }
    return null;
  }

  /** A development token (POST /v1/dev/tokens), as test/support/client.ts mints them. */
  async token(sub: string, role: "rider" | "driver" | "ops", until: number): Promise<string> {
    const res = await this.send<{ token: string }>("POST", "/v1/dev/tokens", { body: { sub, role } }, until);
    if (res?.status !== 200) throw new Error(`token for ${sub}: ${res ? `${res.status} ${JSON.stringify(res.body)}` : "no answer"}`);
    return res.body.token;
  }

  /** Every page of a list endpoint (`?limit=100&cursor=`). */
  async all<T>(path: string, token: string, until: number, maxPages = 100): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const url: string = `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res: Answer<{ items: T[]; nextCursor?: string | null }> | null = await this.send<{ items: T[]; nextCursor?: string | null }>(
        "GET",
        url,
        { token },
        until,
      );
      if (res?.status !== 200) throw new Error(`GET ${url}: ${res ? `${res.status} ${JSON.stringify(res.body)}` : "no answer"}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor ?? null;
      if (!cursor) break;
    }
    return items;
  }
}

/** Runs `work` over `items`, `width` at a time. */
export async function eachLimited<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
