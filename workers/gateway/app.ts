/**
 * The gateway app: the one public entry point. Request ids, access logs, the body
 * limit, secure headers, CORS, the rate limit of unauthenticated endpoints and the
 * mapping of every error to problem+json live here; the routes are in ./routes
 * (authentication is each route's middleware, see auth.ts; they build their routers
 * with router.ts, which is what keeps this module out of their imports).
 */
import { HTTPException } from "hono/http-exception";
import { AppError, isFault } from "../../src/lib/problem";
import { transientOf } from "../../src/lib/transient";
import { clientIp, enforceLimit, limitIp } from "./rate-limit";
import { newRouter, problemResponse } from "./router";
import { corsFromConfig, limitBody, secureResponseHeaders } from "./security";
import { emptyBodyIsNoBody } from "./empty-body";
import { driverRoutes } from "./routes/drivers";
import { devRoutes } from "./routes/dev";
import { notificationLetterRoutes } from "./routes/notification-letters";
import { paymentLetterRoutes } from "./routes/payment-letters";
import { opsRoutes } from "./routes/ops";
import { quoteRoutes } from "./routes/quotes";
import { liveRoutes } from "./routes/live";
import { meRoutes } from "./routes/me";
import { duesRoutes } from "./routes/dues";
import { rideRoutes } from "./routes/rides";
import { rentalRoutes } from "./routes/rentals";
import { serviceRoutes } from "./routes/service";
import { assetRoutes } from "./routes/assets";
import { viewRoutes } from "./routes/views";
import { payoutRoutes } from "./routes/payouts";
import { problemRoutes } from "./routes/problems";
import { DOCUMENT } from "./openapi";

/**
 * An incoming request id the gateway echoes and carries (the contract: "the incoming one echoed"):
 * any printable ASCII but the space, up to 200 characters (a base64 id, a braced GUID). Anything
 * else (a control character, a newline, a longer one) is replaced by a new id, never refused.
 */
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Builds the gateway.
 *
 * @example
 * export default { fetch: createApp().fetch };
 */
/** A request answered this slowly gets its access line even when it succeeded. */
export const SLOW_REQUEST_MS = 1000;

/**
 * Whether a request gets the gateway's own access line: it failed (4xx, 5xx) or was slow.
 *
 * @example
 * worthALook(204, 12); // false: the platform's invocation log has it
 * worthALook(409, 12); // true
 */
export const worthALook = (status: number, ms: number): boolean => status >= 400 || ms >= SLOW_REQUEST_MS;

export function createApp() {
  const app = newRouter();

  app.use("*", async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    const started = Date.now();
    await next();
    c.res.headers.set("x-request-id", requestId);
    // Every request is in the platform's invocation log (method, URL, status, time; wrangler's own line locally). This
    // line adds the request id and route to those worth a look, failed or slow: not to every location report (one per
    // driver every 4 s) and ride step that went well, each a log event to carry and store (BENCHMARKS.md, 2026-12-02 evening).
    const ms = Date.now() - started;
    if (worthALook(c.res.status, ms))
      console.log(JSON.stringify({ msg: "request", requestId, method: c.req.method, path: c.req.routePath, status: c.res.status, ms }));
  });
  // Headers first, so that every answer has them, refusals included.
  app.use("*", secureResponseHeaders());
  app.use("*", corsFromConfig());
  // Before anything reads the body or the token: a huge body is refused unread.
  app.use("*", limitBody());
  app.use("*", emptyBodyIsNoBody());
  // The unauthenticated endpoints, per client IP (health checks stay unlimited for their checkers).
  for (const path of ["/v1/dev/*", "/openapi.json", "/docs", "/docs/*", "/console", "/console/*", "/problems", "/problems/*"]) app.use(path, limitIp);

  app.onError((error, c) => {
    const requestId = c.get("requestId") ?? crypto.randomUUID();
    if (error instanceof AppError) {
      if (isFault(error)) console.error(JSON.stringify({ msg: "server problem", requestId, code: error.code, detail: error.message }));
      return problemResponse(error, requestId);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx: malformed JSON, missing content type.
      return problemResponse(new AppError("invalid_request", error.message || "malformed request"), requestId);
    }
    // The platform saying "try again" (a Durable Object restarting or overloaded, D1's lost
    // connection) is a 503 with Retry-After: the client retries, and the log says what it was.
    const transient = transientOf(error);
    if (transient) {
      console.warn(JSON.stringify({ msg: "dependency unavailable", requestId, kind: transient.kind, remote: transient.remote, error: String(error) }));
      const detail = "a service behind this one did not answer; try again shortly (the request id helps us find it)";
      return problemResponse(new AppError("unavailable", detail, { retryAfterSeconds: transient.retryAfterSeconds }), requestId);
    }
    console.error(JSON.stringify({ msg: "unhandled error", requestId, error: String(error), stack: error instanceof Error ? error.stack : undefined }));
    return problemResponse(new AppError("internal", "something went wrong; the request id helps us find it"), requestId);
  });
  app.notFound(async (c) => {
    // Unknown paths are anonymous traffic too (scanners): limited per IP like the rest.
    try {
      await enforceLimit(c.env, "ip", clientIp(c));
    } catch (error) {
      if (error instanceof AppError) return problemResponse(error, c.get("requestId"));
      throw error;
    }
    return problemResponse(new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`), c.get("requestId"));
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.route("/", serviceRoutes());
  app.route("/", quoteRoutes());
  app.route("/", liveRoutes());
  app.route("/", meRoutes());
  app.route("/", duesRoutes());
  app.route("/", rideRoutes());
  app.route("/", rentalRoutes());
  app.route("/", driverRoutes());
  app.route("/", opsRoutes());
  app.route("/", notificationLetterRoutes());
  app.route("/", paymentLetterRoutes());
  app.route("/", viewRoutes());
  app.route("/", payoutRoutes());
  app.route("/", devRoutes());
  app.route("/", assetRoutes());

  app.route(
    "/",
    problemRoutes(() => app.getOpenAPI31Document(DOCUMENT)),
  );

  app.doc31("/openapi.json", DOCUMENT);
  return app;
}
