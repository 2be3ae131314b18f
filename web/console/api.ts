/**
 * The API as the console calls it: same origin, the ops token from sessionStorage as a Bearer
 * header, problem+json errors turned into a ProblemError whose text the pages show.
 */
const TOKEN_KEY = "ops-token";

export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;

  constructor(status: number, body: { code?: string; title?: string; detail?: string } | null) {
    const code = body?.code ?? `http_${status}`;
    const detail = body?.detail ?? body?.title ?? "";
    super(detail ? `${code}: ${detail}` : code);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

type Listener = (token: string | null) => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  for (const l of listeners) l(token);
}

export function onToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const token = getToken();
  const res = await fetch(path, {
    method,
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    // An expired or revoked token ends the session; the sign-in page comes back.
    if (res.status === 401 && token) setToken(null);
    throw new ProblemError(res.status, parsed as { code?: string; detail?: string } | null);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>("POST", path, body, headers);

/** A query string of the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * True when POST /v1/dev/tokens exists (development): an empty body is refused as invalid there (400), 404 elsewhere;
 * anything else (the per-IP limit's 429, a 5xx) says nothing of it, and shows no button that would fail.
 */
export async function devSignInAvailable(): Promise<boolean> {
  try {
    const res = await fetch("/v1/dev/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    return res.status === 400;
  } catch {
    return false;
  }
}

export async function devSignIn(sub = "ops-console"): Promise<string> {
  const { token } = await request<{ token: string }>("POST", "/v1/dev/tokens", { sub, role: "ops" });
  return token;
}

export const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
