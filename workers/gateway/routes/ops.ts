/** Operator endpoints: lists from the D1 views, approvals through the Driver DO. */
import { createRoute, z } from "@hono/zod-openapi";
import { RIDE_STATUSES } from "../../../src/domain/types";
import { unwrap } from "../../../src/lib/problem";
import { authenticate } from "../auth";
import { newRouter } from "../app";
import { bearer, commonProblems, jsonResponse } from "../openapi";
import { listDrivers, listRides } from "../queries";
import { DriverSchema, IdParamSchema, ListQuerySchema, RideSchema, page } from "../schemas";
import { driverStub } from "../stubs";
import { publicDriver } from "./drivers";

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags: ["ops"], security: bearer });

const rides = route({
  method: "get", path: "/v1/ops/rides", request: { query: ListQuerySchema.extend({ status: z.enum(RIDE_STATUSES).optional() }) },
  responses: { 200: jsonResponse(page(RideSchema), "All rides, newest first"), ...commonProblems },
});
const drivers = route({
  method: "get", path: "/v1/ops/drivers",
  request: { query: z.object({ status: z.enum(["offline", "available", "offered", "on_trip"]).optional(), approval: z.enum(["pending", "approved", "rejected"]).optional(), limit: z.coerce.number().int().min(1).max(100).default(100) }) },
  responses: { 200: jsonResponse(page(DriverSchema), "All drivers"), ...commonProblems },
});
const decide = (verb: "approve" | "reject") =>
  route({ method: "post", path: `/v1/ops/drivers/{id}/${verb}`, request: { params: IdParamSchema }, responses: { 200: jsonResponse(DriverSchema, `The driver, ${verb}d`), ...commonProblems } });

export function opsRoutes() {
  const app = newRouter();
  app.openapi(rides, async (c) => {
    await authenticate(c, ["ops"]);
    const q = c.req.valid("query");
    return c.json(await listRides(c.env.VIEWS_DB, { status: q.status, limit: q.limit, cursor: q.cursor }), 200);
  });
  app.openapi(drivers, async (c) => {
    await authenticate(c, ["ops"]);
    const q = c.req.valid("query");
    const list = await listDrivers(c.env.VIEWS_DB, q);
    return c.json({ items: list.items.map(publicDriver), nextCursor: null }, 200);
  });
  for (const verb of ["approve", "reject"] as const) {
    app.openapi(decide(verb), async (c) => {
      await authenticate(c, ["ops"]);
      const { id } = c.req.valid("param");
      const outcome = await driverStub(c.env, id).setApproval(verb === "approve" ? "approved" : "rejected", c.get("requestId"));
      return c.json(publicDriver(unwrap(outcome)), 200);
    });
  }
  return app;
}
