/** A small HTTP client for the public API, as an outside client would use it; `client()` is the typed one (src/client). */
import { createRidesClient, type Problem, type RidesClient } from "../../src/client/index.ts";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class Api {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers["content-type"] ??= "application/json";
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const res = await this.fetchWithRetry(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /**
   * The typed client (src/client) of this API, as `token`, with the same retry of a
   * closed keep-alive connection as `request`.
   *
   * @example
   * const { data, error } = await api.client(riderToken).GET("/v1/rides/{id}", { params: { path: { id } } });
   */
  client(token?: string): RidesClient {
    return createRidesClient(this.baseUrl, token, {
      fetch: (request) => {
        const copy = request.clone();
        return this.fetchWithRetry(request, {}, copy);
      },
    });
  }

  /**
   * The local dev server sometimes closes a pooled keep-alive connection just as the
   * client reuses it ("other side closed"): the request never reached the server, so
   * it is sent once more, as an app's HTTP stack would.
   */
  private async fetchWithRetry(input: string | Request, init: RequestInit, again: string | Request = input): Promise<Response> {
    try {
      return await fetch(input, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause?.code !== "UND_ERR_SOCKET") throw error;
      return fetch(again, init);
    }
  }

  /** A development token (a day long, or `ttlSeconds`). */
  async token(sub: string, role: "rider" | "driver" | "ops", ttlSeconds?: number): Promise<string> {
    const res = await this.request<{ token: string }>("POST", "/v1/dev/tokens", { body: { sub, role, ...(ttlSeconds ? { ttlSeconds } : {}) } });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token;
  }
}

/**
 * The data of a typed call, or an Error naming the call, its status and its problem.
 *
 * @example
 * const ride = must("get ride", await api.client(token).GET("/v1/rides/{id}", { params: { path: { id } } }));
 */
export function must<T>(what: string, result: { data?: T; error?: Problem | unknown; response: Response }): T {
  if (result.data !== undefined && result.error === undefined) return result.data;
  throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
}

/** Polls `probe` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export const uid = (prefix: string) => `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
