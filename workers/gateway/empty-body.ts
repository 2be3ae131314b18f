/**
 * A JSON content type on a request with no body: what clients that always send
 * `Content-Type: application/json` (generated clients, `curl -H`) send to the endpoints
 * whose body is optional (cancel, complete, return, approve, reject, a payout run). The
 * validator would take it for malformed JSON; it is a request with no body.
 */
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "./context";

/**
 * Drops the content type of a request whose body is empty (no body, or `Content-Length: 0`),
 * so an optional body reads as absent; a required one is still refused as missing.
 *
 * @example
 * app.use("*", emptyBodyIsNoBody());
 */
export function emptyBodyIsNoBody(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    const empty = raw.body === null || raw.headers.get("content-length") === "0";
    if (empty && raw.headers.has("content-type")) {
      const headers = new Headers(raw.headers);
      headers.delete("content-type");
      c.req.raw = new Request(raw, { headers });
    }
    await next();
  };
}
