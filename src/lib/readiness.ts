/**
 * `/readyz` for the workers with no public API of their own (payment, notification,
 * views): 200 when the worker's required secrets are set, else 503 naming what is
 * missing. Everything else they answer 404: they serve queues, not HTTP.
 */
import { missingSecrets, type WorkerName } from "../required-secrets";

/**
 * @example
 * export default { fetch: (request, env) => consumerFetch("payment", request, env), ... };
 */
export function consumerFetch(worker: WorkerName, request: Request, env: object): Response {
  if (new URL(request.url).pathname !== "/readyz") return new Response(`${worker} worker: queue consumer only`, { status: 404 });
  const missing = missingSecrets(worker, env as Record<string, unknown>);
  return missing.length === 0
    ? Response.json({ status: "ready" })
    : Response.json({ status: "unavailable", detail: `missing configuration: ${missing.join("; ")}` }, { status: 503 });
}
