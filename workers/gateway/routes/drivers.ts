/** Driver endpoints: the Driver DO is the single writer of the driver's state. */
import { createRoute, z } from "@hono/zod-openapi";
import { readConfig } from "../../../src/config";
import { AppError, unwrap } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { newRouter } from "../router";
import { approvedUnlessValid } from "../approved-driver";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse, rateLimited } from "../openapi";
import { publicDriver } from "../presenters";
import { listOwnEarnings, listOwnRides } from "../own-lists";
import { limitAccount, limitLocation } from "../rate-limit";
import { DriverProfileSchema, DriverSchema, GoOnlineSchema, ListQuerySchema, LocationReportSchema, OfferSchema, RideSchema, page } from "../schemas";
import { driverStub } from "../stubs";

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) =>
  createRoute({ ...r, tags: ["driver"], security: bearer, middleware: requireRole("driver") });
const driverResponse = (what: string) => ({ 200: jsonResponse(DriverSchema, what), ...commonProblems });

const register = createRoute({
  method: "put",
  path: "/v1/drivers/me",
  tags: ["driver"],
  security: bearer,
  middleware: [requireRole("driver"), limitAccount] as const,
  operationId: "registerDriver",
  summary: "Register the driver or update the profile",
  description: "Changing the plate or the products sends an approved driver back to `pending`; while the driver has a ride, that change is refused (409).",
  request: jsonBody(DriverProfileSchema),
  responses: {
    200: jsonResponse(DriverSchema, "The driver"),
    ...authedProblems(["invalid_transition", "a new plate or other products while the driver has a ride"]),
    ...rateLimited,
  },
});
const me = route({
  method: "get",
  path: "/v1/drivers/me",
  operationId: "getMyDriver",
  summary: "Get the driver's own profile",
  responses: driverResponse("The driver"),
});
// Going online carries a location (sent again while online, it is a location report): the location reports' budget.
const online = createRoute({
  method: "post",
  path: "/v1/drivers/me/online",
  operationId: "goOnline",
  summary: "Go online",
  tags: ["driver"],
  security: bearer,
  middleware: [requireRole("driver"), limitLocation, approvedUnlessValid(GoOnlineSchema)] as const,
  request: jsonBody(GoOnlineSchema),
  responses: {
    200: jsonResponse(DriverSchema, "The driver, available"),
    ...authedProblems(["driver_not_approved", "a pending or rejected driver"]),
    ...rateLimited,
  },
});
const offline = route({
  method: "post",
  path: "/v1/drivers/me/offline",
  operationId: "goOffline",
  summary: "Go offline",
  description: "An open offer is declined first (the ride goes to the next driver); a driver on a trip is refused.",
  responses: { 200: jsonResponse(DriverSchema, "The driver, offline"), ...authedProblems(["invalid_transition", "on a trip"]) },
});
const location = createRoute({
  method: "put",
  path: "/v1/drivers/me/location",
  operationId: "reportLocation",
  summary: "Report the driver's location",
  description:
    "Every few seconds while online. A driver silent for longer than DRIVER_FRESHNESS_S (30 s) is offered no ride; an available driver silent for DRIVER_OFFLINE_AFTER_S (10 min) is taken offline (DriverWentOffline with reason silent), is told so (KakaoTalk, webhook, the live feed) and comes back by going online; one on the way to a pickup silent for DRIVER_PICKUP_SILENT_S (3 min) is taken off the ride (DriverUnassigned with why silent), which goes to another driver.",
  tags: ["driver"],
  security: bearer,
  middleware: [requireRole("driver"), limitLocation] as const,
  request: jsonBody(LocationReportSchema),
  responses: { 204: { description: "Taken" }, ...commonProblems, ...rateLimited },
});
const offers = route({
  method: "get",
  path: "/v1/drivers/me/offers",
  operationId: "listMyOffers",
  summary: "List the driver's open offers",
  responses: { 200: jsonResponse(z.object({ items: z.array(OfferSchema) }), "Open offers"), ...commonProblems },
});
const Krw = z.object({ amount: z.number().int(), currency: z.literal("KRW") });
const myEarnings = route({
  method: "get",
  path: "/v1/drivers/me/earnings",
  operationId: "listMyEarnings",
  summary: "List the driver's earnings",
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(z.object({ rideId: z.string(), fare: Krw, commission: Krw, earning: Krw, createdAt: z.string() })),
        total: Krw,
        nextCursor: z.string().nullable(),
      }),
      "Each captured fare split into earning and commission",
    ),
    ...commonProblems,
  },
});
const myRides = route({
  method: "get",
  path: "/v1/drivers/me/rides",
  operationId: "listMyTrips",
  summary: "List the driver's trips",
  request: { query: ListQuerySchema },
  responses: { 200: jsonResponse(page(RideSchema), "The driver's trips"), ...commonProblems },
});

export function driverRoutes() {
  const app = newRouter();
  app.openapi(register, async (c) => {
    const driver = c.var.actor;
    const body = c.req.valid("json");
    const autoApprove = readConfig(c.env).autoApproveDrivers;
    return c.json(publicDriver(unwrap(await driverStub(c.env, driver.id).register(driver.id, body, autoApprove, c.get("requestId")))), 200);
  });
  app.openapi(me, async (c) => {
    const driver = c.var.actor;
    const found = await driverStub(c.env, driver.id).get();
    if (!found) throw new AppError("not_found", "not registered yet: PUT /v1/drivers/me");
    return c.json(publicDriver(found), 200);
  });
  // A valid body is refused by the Driver DO when the driver is not approved; any other is read as that refusal first
  // (authorised before validated: `approvedUnlessValid`), at one read on bad input only: online is also a location report.
  app.openapi(online, async (c) => {
    const driver = c.var.actor;
    return c.json(publicDriver(unwrap(await driverStub(c.env, driver.id).goOnline(c.req.valid("json").location, c.get("requestId")))), 200);
  });
  app.openapi(offline, async (c) => {
    const driver = c.var.actor;
    return c.json(publicDriver(unwrap(await driverStub(c.env, driver.id).goOffline(c.get("requestId")))), 200);
  });
  app.openapi(location, async (c) => {
    const driver = c.var.actor;
    const { lat, lng } = c.req.valid("json");
    unwrap(await driverStub(c.env, driver.id).updateLocation({ lat, lng }));
    return c.body(null, 204);
  });
  app.openapi(offers, async (c) => {
    const driver = c.var.actor;
    return c.json({ items: await driverStub(c.env, driver.id).offers() }, 200);
  });
  app.openapi(myEarnings, async (c) => {
    const driver = c.var.actor;
    const q = c.req.valid("query");
    return c.json(await listOwnEarnings(c.env, driver.id, q.limit, q.cursor), 200);
  });
  app.openapi(myRides, async (c) => {
    const driver = c.var.actor;
    const q = c.req.valid("query");
    return c.json(await listOwnRides(c.env, { kind: "driver", id: driver.id }, { limit: q.limit, cursor: q.cursor }), 200);
  });
  return app;
}
