/**
 * A pending or rejected driver is refused 403 `driver_not_approved` before what they sent is
 * validated (authorised before validated): a rejected driver's malformed `online` is 403, not 400.
 */
import type { HonoRequest, MiddlewareHandler } from "hono";
import { AppError } from "../../src/lib/problem";
import type { AuthedEnv } from "./context";
import { driverStub } from "./stubs";

/**
 * Throws 403 when the calling driver is registered and not approved. An unregistered driver
 * passes: what they call answers them as it answers any stranger.
 *
 * @example
 * await refuseUnapprovedDriver(c.env, c.var.actor.id);
 */
export async function refuseUnapprovedDriver(env: Pick<Env, "DRIVER">, driverId: string): Promise<void> {
  const driver = await driverStub(env, driverId).get();
  if (driver && driver.approval !== "approved") throw new AppError("driver_not_approved", `driver approval is ${driver.approval}`);
}

/**
 * `refuseUnapprovedDriver` as middleware, for a route whose every call may read the driver once more (accept).
 *
 * @example
 * createRoute({ ..., middleware: [requireRole("driver"), approvedDriver] as const });
 */
export const approvedDriver: MiddlewareHandler<AuthedEnv> = async (c, next) => {
  await refuseUnapprovedDriver(c.env, c.var.actor.id);
  await next();
};

/**
 * A JSON content type as @hono/zod-openapi's media-type check takes one, the whole header (its `jsonRequestRegex`):
 * the strictest of the checks before the route's hook (Hono's own validator reads only the media type).
 */
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** Whether the body is JSON the validators would read (a JSON type, and it parses); the parsed text stays cached for them. */
async function readsAsJson(req: HonoRequest): Promise<boolean> {
  if (!JSON_REQUEST.test(req.header("content-type") ?? "")) return false;
  try {
    await req.json();
    return true;
  } catch {
    return false;
  }
}

/**
 * For a route whose valid body the Driver DO itself refuses to a driver not approved (online): a body
 * the validators would refuse before the route's hook runs (another content type, none, malformed JSON)
 * is read as that refusal first, 403 and not 400, at one read on such a body only. A body that parses
 * but fails the schema is the hook's to refuse the same way.
 *
 * @example
 * createRoute({ ..., middleware: [requireRole("driver"), approvedUnlessJson] as const });
 */
export const approvedUnlessJson: MiddlewareHandler<AuthedEnv> = async (c, next) => {
  if (!(await readsAsJson(c.req))) await refuseUnapprovedDriver(c.env, c.var.actor.id);
  await next();
};
