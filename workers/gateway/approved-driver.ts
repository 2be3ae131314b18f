/**
 * A pending or rejected driver is refused 403 `driver_not_approved` before what they sent is
 * validated (authorised before validated): a rejected driver's malformed `online` is 403, not 400.
 */
import type { MiddlewareHandler } from "hono";
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
