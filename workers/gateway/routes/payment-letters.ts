/**
 * The payment dead letters for an operator: the steps that failed every retry and the results
 * the gateway could not apply, kept by the payment worker (workers/payment/dead-letters.ts).
 * Listed only: each ride's or rental's watchdog sends its open step again under the same key,
 * so nothing is replayed by hand; a letter says which ride to look at.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth";
import { bearer, commonProblems, jsonResponse } from "../openapi";
import { decodeCursor, encodeCursor } from "../queries";
import { newRouter } from "../router";
import { ListQuerySchema, page } from "../schemas";
import { paymentService } from "../stubs";

const list = createRoute({
  method: "get",
  path: "/v1/ops/payments/dead-letters",
  operationId: "listPaymentDeadLetters",
  tags: ["ops"],
  security: bearer,
  middleware: requireRole("ops"),
  summary: "List the payment dead letters",
  description:
    "Payment steps that failed every retry and payment results the gateway could not apply, newest first (their count is `payments.deadLetters` in GET /v1/ops/stats). Each says what it was about, never its body (a step carries the rider's payment method). Nothing replays them by hand: the ride's or rental's watchdog sends its open step again under the same idempotency key; GET /v1/ops/rides/{id}/payments shows where it stands.",
  request: { query: ListQuerySchema },
  responses: {
    200: jsonResponse(
      page(
        z.object({
          id: z.string(),
          queue: z.string().describe("ride-payments-dlq (a step) or ride-payment-results-dlq (a result); staging adds -staging"),
          action: z.string().nullable().describe("authorize, capture, void, refund, settle"),
          rideId: z.string().nullable().describe("The ride's, rental's or dues account's id"),
          idempotencyKey: z.string().nullable(),
          outcome: z.string().nullable().describe("A result's outcome; null for a step"),
          attempts: z.number().int(),
          receivedAt: z.string(),
        }),
      ),
      "The payment dead letters, newest first",
    ),
    ...commonProblems,
  },
});

export function paymentLetterRoutes() {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = decodeCursor(q.cursor);
    const letters = await paymentService(c.env).deadLettersPage(after && { receivedAt: after.createdAt, id: after.id }, q.limit);
    return c.json({ items: letters.items, nextCursor: letters.last ? encodeCursor(letters.last.receivedAt, letters.last.id) : null }, 200);
  });
  return app;
}
