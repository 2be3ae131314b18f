/**
 * A pending or rejected driver is refused 403 `driver_not_approved` before what they sent is
 * validated (authorised before validated): a rejected driver's malformed `online` is 403, not 400.
 */
import type { HonoRequest, MiddlewareHandler } from "hono";
import type { ZodType } from "zod";
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
 * the strictest of the checks before the route's handler (Hono's own validator reads only the media type).
 */
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/** Whether the body is one the route's validators take: a JSON type, JSON that parses, and `schema`'s shape (the parsed text stays cached for them). */
async function takenAs(req: HonoRequest, schema: ZodType): Promise<boolean> {
  if (!JSON_REQUEST.test(req.header("content-type") ?? "")) return false;
  try {
    return schema.safeParse(await req.json()).success;
  } catch {
    return false;
  }
}

/**
 * For a route whose valid body the Driver DO itself refuses to a driver not approved (online): a body
 * the validators would refuse (another content type, none, malformed JSON, not `schema`'s shape) is
 * read as that refusal first, 403 and not 400, at one read on such a body only; a valid body reads
 * nothing first.
 *
 * @example
 * createRoute({ ..., middleware: [requireRole("driver"), approvedUnlessValid(GoOnlineSchema)] as const });
 */
export const approvedUnlessValid =
  (schema: ZodType): MiddlewareHandler<AuthedEnv> =>
  async (c, next) => {
    if (!(await takenAs(c.req, schema))) await refuseUnapprovedDriver(c.env, c.var.actor.id);
    await next();
  };
