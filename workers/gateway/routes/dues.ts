/** A rider's dues: fares of rides that ended unpaid (GET /v1/me/dues), and paying them. */
import { createRoute, z } from "@hono/zod-openapi";
import { riderStub } from "../../../src/durable-objects/stubs";
import { unwrap } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { limitRider } from "../rate-limit";
import { newRouter } from "../router";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { MoneySchema, PaymentMethodSchema } from "../schemas";

const DuesSchema = z
  .object({ dues: MoneySchema, items: z.array(z.object({ rideId: z.string(), amount: MoneySchema, createdAt: z.string() })) })
  .openapi("Dues");
const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags: ["rider"], security: bearer, middleware: requireRole("rider") });

const getDues = route({
  method: "get",
  path: "/v1/me/dues",
  operationId: "getMyDues",
  summary: "Get the rider's unpaid dues",
  responses: { 200: jsonResponse(DuesSchema, "What the rider still owes"), ...commonProblems },
});
const payDues = createRoute({
  tags: ["rider"],
  security: bearer,
  // Limited like a ride request: each declined charge goes to the provider, so unlimited it would let a card number be tested.
  middleware: [requireRole("rider"), limitRider] as const,
  method: "post",
  path: "/v1/me/dues/pay",
  operationId: "payMyDues",
  summary: "Pay the rider's dues",
  request: jsonBody(z.object({ paymentMethod: PaymentMethodSchema }).strict()),
  responses: {
    200: jsonResponse(z.object({ dues: MoneySchema }), "Paid: the dues are zero"),
    ...authedProblems(
      ["rate_limited", "too many payment attempts; nothing was charged"],
      ["payment_required", "the charge was declined; the body carries the dues"],
      ["unavailable", "the payment provider (or the platform) did not answer; paying again with the same method never charges twice"],
    ),
  },
});

export function duesRoutes() {
  const app = newRouter();
  app.openapi(getDues, async (c) => {
    const { dues, items } = await riderStub(c.env, c.var.actor.id).account(c.var.actor.id);
    return c.json({ dues, items }, 200);
  });
  app.openapi(payDues, async (c) => {
    const rider = c.var.actor.id;
    const account = unwrap(await riderStub(c.env, rider).payDues(rider, c.req.valid("json").paymentMethod, c.get("requestId")));
    return c.json({ dues: account.dues }, 200);
  });
  return app;
}
