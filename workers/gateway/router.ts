/**
 * The gateway's router factory and problem responses. Its own module so that the routes
 * (which build routers) and the app (which mounts the routes) import it, not each other:
 * app.ts → routes/* → router.ts, never back (test/lint.unit.test.ts checks for cycles).
 */
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import { AppError } from "../../src/lib/problem";
import type { GatewayEnv } from "./context";

/**
 * A router whose validation failures become 400 invalid_request with the failing
 * paths listed.
 *
 * @example
 * const app = newRouter();
 * app.openapi(getRide, async (c) => c.json(await findRide(c), 200));
 */
export function newRouter(): OpenAPIHono<GatewayEnv> {
  return new OpenAPIHono<GatewayEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error);
    },
  });
}

/**
 * 400 invalid_request listing each failing path of a validation.
 *
 * @example
 * if (!result.success) throw invalidRequest(result.error);
 */
export function invalidRequest(error: z.ZodError): AppError {
  const errors = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  return new AppError("invalid_request", errors.map((e) => `${e.path || "body"}: ${e.message}`).join("; "), { errors });
}

/**
 * The application/problem+json answer of an error, carrying the request id (and
 * Retry-After when the error has one).
 *
 * @example
 * return problemResponse(new AppError("not_found", "no route"), c.get("requestId"));
 */
export function problemResponse(error: AppError, requestId: string): Response {
  const headers = new Headers({ "content-type": "application/problem+json", "x-request-id": requestId });
  if (error.retryAfterSeconds !== undefined) headers.set("retry-after", String(Math.ceil(error.retryAfterSeconds)));
  return new Response(JSON.stringify({ ...error.toJSON(), requestId }), { status: error.status, headers });
}
