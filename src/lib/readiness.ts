/**
 * `/readyz` for the workers with no public API of their own (payment, notification,
 * views): 200 when the worker's required secrets are set, else 503. The answer is public
 * (a worker's workers.dev address), so it says only that a secret is missing; which one is
 * in the worker's `not ready` error line. Everything else they answer 404: they serve
 * queues, not HTTP.
 */
import { missingSecrets, type WorkerName } from "../required-secrets";
import { AppError } from "./problem";

/** When a probe should ask again: a missing secret or a database down is not mended in seconds. */
const NOT_READY_RETRY_S = 30;

/**
 * A worker's 503 while not ready: a problem (`unavailable`) like every error of ours, so a probe
 * or a client reading errors reads this one too.
 *
 * @example
 * return notReady("not ready: a required secret is not set");
 */
export function notReady(detail: string): Response {
  const problem = new AppError("unavailable", detail, { retryAfterSeconds: NOT_READY_RETRY_S });
  return new Response(JSON.stringify(problem.toJSON()), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", "retry-after": String(NOT_READY_RETRY_S) },
  });
}

/**
 * @example
 * export default { fetch: (request, env) => consumerFetch("payment", request, env), ... };
 */
export function consumerFetch(worker: WorkerName, request: Request, env: object): Response {
  if (new URL(request.url).pathname !== "/readyz") return new Response(`${worker} worker: queue consumer only`, { status: 404 });
  const missing = missingSecrets(worker, env as Record<string, unknown>);
  if (missing.length === 0) return Response.json({ status: "ready" });
  console.error(JSON.stringify({ msg: "not ready", worker, detail: missing.join("; ") }));
  return notReady("not ready: a required secret is not set");
}
