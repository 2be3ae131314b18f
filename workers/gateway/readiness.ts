/**
 * The gateway's `/readyz`: ready when its secrets are set and the views database answers.
 * The endpoint is public and unauthenticated, so its answer names only which part is not
 * ready; what exactly (the secret's name, the database's error) goes to the `not ready` error
 * line, for the engineer on call, and never to whoever asks.
 */
import { missingSecrets } from "../../src/required-secrets";

/**
 * How long one answer of the views database stands for every probe this isolate serves. A
 * public endpoint with no rate limit must not turn each call into a database query: a flood of
 * probes costs one `SELECT 1` per isolate every 5 s, and probes arriving together share one.
 */
export const STORAGE_PROBE_TTL_MS = 5_000;

const probes = new WeakMap<D1Database, { at: number; answer: Promise<string | null> }>();

/**
 * The views database's error, or null when it answers; asked at most once per
 * `STORAGE_PROBE_TTL_MS` per database binding.
 *
 * @example
 * const error = await storageProbe(env.VIEWS_DB); // null, or "Error: D1_ERROR: ..."
 */
export function storageProbe(db: D1Database, now = Date.now()): Promise<string | null> {
  const last = probes.get(db);
  if (last && now - last.at < STORAGE_PROBE_TTL_MS) return last.answer;
  const answer = db
    .prepare("SELECT 1")
    .first()
    .then(
      () => null,
      (error: unknown) => String(error),
    );
  probes.set(db, { at: now, answer });
  return answer;
}

/** What is not ready: `public` for the answer, `detail` for the error line. */
export interface Unready {
  public: string;
  detail: string;
}

/**
 * Why the gateway is not ready, or null when it is.
 *
 * @example
 * const unready = await gatewayUnready(env); // { public: "a required secret is not set", detail: "JWT_SECRET: not set (...)" }
 */
export async function gatewayUnready(env: Env): Promise<Unready | null> {
  const missing = missingSecrets("gateway", env as unknown as Record<string, unknown>);
  const storage = await storageProbe(env.VIEWS_DB);
  const parts = [...(missing.length > 0 ? ["a required secret is not set"] : []), ...(storage ? ["the views database does not answer"] : [])];
  if (parts.length === 0) return null;
  return { public: `not ready: ${parts.join("; ")}`, detail: [...missing, ...(storage ? [`views database: ${storage}`] : [])].join("; ") };
}
