/** Operator endpoints: lists from the D1 views, approvals through the Driver DO. */
import { createRoute, z } from "@hono/zod-openapi";
import { RIDE_STATUSES } from "../../../src/domain/types";
import { unwrap } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { idempotencyKey, IdempotencyKeyHeaders } from "../idempotency-key";
import { newRouter } from "../router";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { ENTITY_ID, sha256Hex } from "../../../src/lib/ids";
import { listDeliveries, listDrivers, listRides } from "../queries";
import { DELIVERY_LOG_RETENTION_DAYS } from "../../../src/notifications/retention";
import { opsStats } from "../../../src/views/stats";
import { DriverDecisionSchema, DriverSchema, emptyIsUnset, IdParamSchema, LedgerEntrySchema, ListQuerySchema, RideSchema, page } from "../schemas";
import { publicDelivery, publicDriver, publicLedgerEntry } from "../presenters";
import { driverStub, paymentService, resolveRide } from "../stubs";
import { keptEntries } from "../../../src/payments/kept-ledger";
import { reconcilePayments } from "../payment-results";

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags: ["ops"], security: bearer, middleware: requireRole("ops") });

const rides = route({
  method: "get",
  path: "/v1/ops/rides",
  operationId: "listOpsRides",
  summary: "List all rides",
  request: { query: ListQuerySchema.extend({ status: emptyIsUnset(z.enum(RIDE_STATUSES)) }) },
  responses: { 200: jsonResponse(page(RideSchema), "All rides, newest first"), ...commonProblems },
});
const drivers = route({
  method: "get",
  path: "/v1/ops/drivers",
  operationId: "listOpsDrivers",
  summary: "List drivers",
  request: {
    query: ListQuerySchema.extend({
      status: emptyIsUnset(z.enum(["offline", "available", "offered", "on_trip"])),
      approval: emptyIsUnset(z.enum(["pending", "approved", "rejected"])),
    }),
  },
  responses: { 200: jsonResponse(page(DriverSchema), "All drivers, in id order; nextCursor pages on"), ...commonProblems },
});
const decide = (verb: "approve" | "reject") =>
  route({
    method: "post",
    path: `/v1/ops/drivers/{id}/${verb}`,
    operationId: `${verb}Driver`,
    summary: verb === "approve" ? "Approve a driver" : "Reject a driver",
    request: { params: IdParamSchema, ...jsonBody(DriverDecisionSchema, false) },
    description:
      (verb === "reject"
        ? "A rejected driver is taken offline (after a trip under way), loses its open offer (the ride moves on to the next driver), is taken off a ride not yet picked up (it goes to another driver; the rider is told) and gets 403 driver_not_approved on online and accept. "
        : "") +
      "The reason is kept on the driver (approvalReason); the driver is notified of the decision." +
      (verb === "approve" ? " With the vehicle reviewed, a driver who changed it since (plate or products) is not approved: 409." : ""),
    responses: {
      200: jsonResponse(DriverSchema, `The driver, ${verb}d`),
      ...(verb === "approve" ? authedProblems(["invalid_transition", "the driver changed their vehicle since it was reviewed"]) : commonProblems),
    },
  });

const retryPayment = route({
  method: "post",
  path: "/v1/ops/rides/{id}/retry-payment",
  operationId: "retryRidePayment",
  summary: "Retry a ride's failed capture",
  request: { params: IdParamSchema },
  responses: {
    202: jsonResponse(RideSchema, "A new capture is on its way (sent again while that capture is on its way: the same retry)"),
    ...authedProblems(["invalid_transition", "no failed capture to retry"]),
  },
});
const refund = route({
  method: "post",
  path: "/v1/ops/rides/{id}/refund",
  operationId: "refundRide",
  summary: "Refund a ride",
  request: {
    params: IdParamSchema,
    headers: IdempotencyKeyHeaders,
    ...jsonBody(
      z
        .object({
          // Money, as everywhere in the contract, or a whole number of KRW (as the rental vehicles' rate): one refund either way.
          amount: z
            .union([z.number().int().positive(), z.object({ amount: z.number().int().positive(), currency: z.literal("KRW") }).strict()])
            .transform((a) => (typeof a === "number" ? a : a.amount))
            .optional()
            .openapi({
              description: "Money, or a whole number of KRW; all that is left of the captured fare when left out",
              example: { amount: 3000, currency: "KRW" },
            }),
          reason: z.string().min(1).max(500),
        })
        .strict(),
    ),
  },
  description:
    "Refunds all or part of a captured fare (a completed ride's, or a cancelled ride's no-show fee) through the payment provider. The same request again (same Idempotency-Key, or the same amount and reason) refunds once; once the provider declined it, the same request answers 409 and a new Idempotency-Key asks again.",
  responses: {
    202: jsonResponse(RideSchema, "The refund is on its way (payment becomes refunded once the provider confirms)"),
    ...authedProblems(
      ["invalid_transition", "nothing captured, more than what is left of the captured fare, or the same refund again after the provider declined it"],
      ["idempotency_conflict", "the Idempotency-Key was used for a refund of another amount or reason"],
    ),
  },
});
const ridePayments = route({
  method: "get",
  path: "/v1/ops/rides/{id}/payments",
  operationId: "listRidePayments",
  summary: "List a ride's payment ledger",
  request: { params: IdParamSchema },
  responses: {
    200: jsonResponse(
      z.object({
        items: z.array(LedgerEntrySchema),
      }),
      "The ride's ledger entries",
    ),
    ...commonProblems,
  },
});
const stats = route({
  method: "get",
  path: "/v1/ops/stats",
  operationId: "getOpsStats",
  summary: "Get the operating figures",
  responses: {
    200: jsonResponse(
      z.object({
        ridesByStatus: z.record(z.string(), z.number()),
        dispatchTimeMs: z.object({ count: z.number(), p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() }),
        openPaymentProblems: z
          .array(z.object({ rideId: z.string(), since: z.string(), problem: z.enum(["capture_failed", "refund_declined"]) }))
          .describe("A capture refused for good (payment_pending, waiting for a retry), or a refund declined with none made since; newest first, at most 100"),
        openRentalProblems: z
          .array(z.object({ rentalId: z.string(), since: z.string(), problem: z.enum(["refund_declined"]) }))
          .describe("Rentals whose refund was declined with none made since (POST /v1/ops/rentals/{id}/refund sends it again); newest first, at most 100"),
        openDues: z.object({ amount: z.number().int(), currency: z.string(), riders: z.number().int() }).describe("What riders owe, from the views"),
        deadLetters: z
          .object({ views: z.number().int(), notifications: z.number().int().nullable() })
          .describe(
            "Views dead letters not replayed yet (POST /v1/ops/views/replay), notifications given up on and not sent again yet (POST /v1/ops/notifications/replay; null while the notification database does not answer: see errors)",
          ),
        storage: z
          .object({
            views: z.object({ bytes: z.number(), limitBytes: z.number(), share: z.number() }),
            notifications: z.object({ bytes: z.number(), limitBytes: z.number(), share: z.number() }).nullable(),
          })
          .describe(
            "How full the views and the notification databases are: bytes, D1's limit, their share (from half of it an error line is logged); the ledger's is in payments",
          ),
        errors: z
          .object({ notifications: z.string().optional() })
          .describe("Why a part's figures are null: the notification database did not answer (empty when every part answered)"),
        payments: z.unknown(),
      }),
      "Counts, dispatch-time percentiles, open payment problems, open dues, dead-letter counts",
    ),
    ...commonProblems,
  },
});
const reconcileNow = route({
  method: "post",
  path: "/v1/ops/payments/reconcile",
  operationId: "reconcilePayments",
  summary: "Reconcile payments now",
  responses: {
    200: jsonResponse(
      z.object({
        openHoldsChecked: z.number(),
        holdsVoided: z.array(z.string()),
        orphanHoldsVoided: z.array(z.string()),
        capturesReported: z.array(z.string()),
        failures: z.array(z.object({ rideId: z.string(), error: z.string() })),
      }),
      "What reconciliation fixed",
    ),
    ...commonProblems,
  },
});

const notifications = route({
  method: "get",
  path: "/v1/ops/notifications",
  operationId: "listNotifications",
  summary: "List notification deliveries",
  description: `Deliveries made within the delivery log's retention (the DELIVERY_LOG_RETENTION_DAYS setting, ${DELIVERY_LOG_RETENTION_DAYS} days unless configured): older ones are deleted.`,
  request: {
    query: ListQuerySchema.extend({
      rideId: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: "What the news is about: a ride's id, a rental's, or a payout's (a driver told of a payout)" }),
      recipient: emptyIsUnset(z.string().regex(ENTITY_ID)).openapi({
        description: "One person's deliveries (an operator's decision about a driver is filed under no ride: find it by its driver)",
      }),
      status: emptyIsUnset(z.enum(["sent", "failed", "retrying"])),
    }),
  },
  responses: {
    200: jsonResponse(
      page(
        z.object({
          id: z.string(),
          rideId: z.string(),
          event: z.string(),
          channel: z.string(),
          recipient: z.string(),
          status: z.enum(["sent", "failed", "retrying"]),
          attempts: z.number().int(),
          lastError: z.string().nullable(),
          createdAt: z.string(),
          updatedAt: z.string(),
        }),
      ),
      "The delivery log, newest first",
    ),
    ...commonProblems,
  },
});

export function opsRoutes() {
  const app = newRouter();
  app.openapi(rides, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listRides(c.env.VIEWS_DB, { status: q.status, limit: q.limit, cursor: q.cursor }), 200);
  });
  app.openapi(drivers, async (c) => {
    const q = c.req.valid("query");
    const list = await listDrivers(c.env.VIEWS_DB, q);
    return c.json({ items: list.items.map(publicDriver), nextCursor: list.nextCursor }, 200);
  });
  app.openapi(retryPayment, async (c) => {
    const stub = resolveRide(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.operate(c.var.actor, { type: "retryCapture" }, c.get("requestId"))), 202);
  });
  app.openapi(refund, async (c) => {
    const body = c.req.valid("json");
    // An identical request is the same refund: its key is the Idempotency-Key, else the request itself.
    const key = (await sha256Hex(idempotencyKey(c.req.header("idempotency-key")) ?? JSON.stringify([body.amount ?? null, body.reason]))).slice(0, 24);
    const stub = resolveRide(c.env, c.req.valid("param").id);
    const amount = body.amount === undefined ? null : { amount: body.amount, currency: "KRW" as const };
    return c.json(unwrap(await stub.operate(c.var.actor, { type: "refund", key, amount, reason: body.reason }, c.get("requestId"))), 202);
  });
  app.openapi(ridePayments, async (c) => {
    const id = c.req.valid("param").id;
    // Past the ledger's window a ride's operations are with its own object (workers/payment/ledger-window.ts):
    // both, each once, as a late row (a reconciliation's void) may be in the ledger beside the copy.
    // Only a ride's id: the ledger is keyed by ride, rental and dues account alike (a rental's is GET /v1/ops/rentals/{id}/payments).
    const ride = resolveRide(c.env, id);
    const [entries, kept] = await Promise.all([paymentService(c.env).ledgerFor(id), ride.keptLedger()]);
    const keys = new Set(entries.map((e) => e.idempotencyKey));
    const all = [...keptEntries(kept).filter((e) => !keys.has(e.idempotencyKey)), ...entries];
    return c.json({ items: all.map(publicLedgerEntry) }, 200);
  });
  app.openapi(stats, async (c) => {
    // The same builder sends the live feed's stats frames (src/views/stats.ts).
    return c.json(await opsStats(c.env, () => paymentService(c.env).health()), 200);
  });
  app.openapi(notifications, async (c) => {
    const q = c.req.valid("query");
    const list = await listDeliveries(c.env.NOTIFICATIONS_DB, { rideId: q.rideId, recipient: q.recipient, status: q.status, limit: q.limit, cursor: q.cursor });
    return c.json({ ...list, items: list.items.map(publicDelivery) }, 200);
  });
  app.openapi(reconcileNow, async (c) => {
    // The walk over the provider's older holds is the cron's: a run at age 0 would restart it from now.
    return c.json(await reconcilePayments(c.env, 0, false), 200);
  });
  for (const verb of ["approve", "reject"] as const) {
    app.openapi(decide(verb), async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const reason = body.reason ? { reason: body.reason } : {};
      const decision = verb === "approve" ? { type: verb, ...reason, ...(body.vehicle ? { reviewed: body.vehicle } : {}) } : { type: verb, ...reason };
      const outcome = await driverStub(c.env, id).setApproval(decision, c.get("requestId"));
      return c.json(publicDriver(unwrap(outcome)), 200);
    });
  }
  return app;
}
