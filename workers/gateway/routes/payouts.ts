/**
 * Drivers' balances and payouts, payout runs and the commission report. The ledger is the
 * payment worker's: every answer comes through its service binding (PaymentService).
 */
import { createRoute, type z } from "@hono/zod-openapi";
import { AppError, unwrap } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { maskedAccount, tellAccountChanged, tellPayoutsAfterRun } from "../payout-notices";
import { newRouter } from "../router";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import {
  BalanceSchema,
  CommissionQuerySchema,
  CommissionReportSchema,
  OpsPayoutListQuerySchema,
  OpsPayoutPageSchema,
  PayoutAccountSchema,
  PayoutListQuerySchema,
  PayoutPageSchema,
  PayoutRunRequestSchema,
  PayoutRunSchema,
} from "../payout-schemas";
import { IdParamSchema } from "../schemas";
import { driverStub, paymentService } from "../stubs";
import type { PayoutItem } from "../../payment/payout-store";

type Role = "driver" | "ops";
const route = <R extends Parameters<typeof createRoute>[0]>(role: Role, r: R) =>
  createRoute({ ...r, tags: [role], security: bearer, middleware: requireRole(role) });

const balance = route("driver", {
  method: "get",
  path: "/v1/drivers/me/balance",
  operationId: "getMyBalance",
  summary: "Get the driver's balance",
  responses: { 200: jsonResponse(BalanceSchema, "What the driver is owed and was paid"), ...commonProblems },
});
const myPayouts = route("driver", {
  method: "get",
  path: "/v1/drivers/me/payouts",
  operationId: "listMyPayouts",
  summary: "List the driver's payouts",
  request: { query: PayoutListQuerySchema },
  responses: { 200: jsonResponse(PayoutPageSchema, "The driver's payouts, newest first"), ...commonProblems },
});
const runPayouts = route("ops", {
  method: "post",
  path: "/v1/ops/payouts",
  operationId: "runPayouts",
  summary: "Pay the drivers' balances",
  request: jsonBody(PayoutRunRequestSchema, false),
  description:
    "Pays every driver's positive balance of earnings created before the cut-off. Idempotent per cut-off: the same cut-off again pays nobody twice. A payout the provider could not answer is sent again (same idempotency key) by the next run. Each driver is notified of a payout once it is paid or refused for good (event PayoutSent or PayoutFailed; the delivery log files it under the payout's id); a payout cancelled before it was sent, because refunds since its claim left nothing to pay, is not notified.",
  responses: { 202: jsonResponse(PayoutRunSchema, "What this call paid"), ...commonProblems },
});
const opsPayouts = route("ops", {
  method: "get",
  path: "/v1/ops/payouts",
  operationId: "listPayouts",
  summary: "List payouts",
  request: { query: OpsPayoutListQuerySchema },
  responses: { 200: jsonResponse(OpsPayoutPageSchema, "The payouts made, newest first"), ...commonProblems },
});
const payoutAccount = route("ops", {
  method: "put",
  path: "/v1/ops/drivers/{id}/payout-account",
  operationId: "setPayoutAccount",
  summary: "Set a driver's payout account",
  request: { params: IdParamSchema, ...jsonBody(PayoutAccountSchema) },
  description: "The connected account (Stripe Connect) the driver's payouts are transferred to. Without one, a Stripe payout is refused.",
  responses: { 200: jsonResponse(PayoutAccountSchema, "Set"), ...authedProblems(["not_found", "no driver with this id"]) },
});
const commission = route("ops", {
  method: "get",
  path: "/v1/ops/reports/commission",
  operationId: "getCommissionReport",
  summary: "Get the commission report",
  description:
    "Fares, commission and earnings of the rides captured in [from, to), and apart what the platform settled uncaptured. Past the ledger's window (LEDGER_WINDOW_DAYS) rides are counted by the hour their split was made in: an hour that begins in the range counts whole.",
  request: { query: CommissionQuerySchema },
  responses: { 200: jsonResponse(CommissionReportSchema, "Fares, commission and earnings settled in the range"), ...commonProblems },
});

/** What a driver sees of a payout (ops see all of it). */
const publicPayout = (p: PayoutItem) => ({
  id: p.id,
  amount: p.amount,
  cutoff: p.cutoff,
  status: p.status,
  createdAt: p.createdAt,
});

/**
 * The payout and commission-report routes: a driver's balance and payouts
 * (`/v1/drivers/me/...`), and for ops the payout runs, the payout list, drivers' payout
 * accounts and the commission report. Each reads or asks the payment worker's service.
 *
 * @example
 * app.route("/", payoutRoutes());
 */
export function payoutRoutes() {
  const app = newRouter();
  app.openapi(balance, async (c) => {
    const { owed, paid } = await paymentService(c.env).driverBalance(c.var.actor.id);
    return c.json({ owed, paid, currency: "KRW" as const }, 200);
  });
  app.openapi(myPayouts, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const page = unwrap(await paymentService(c.env).payouts(c.var.actor.id, cursor ?? null, limit));
    return c.json({ items: page.items.map(publicPayout), nextCursor: page.next }, 200);
  });
  app.openapi(runPayouts, async (c) => {
    // The body is optional: none (or {}) is a run up to now.
    const body = c.req.valid("json") as z.infer<typeof PayoutRunRequestSchema> | undefined;
    const report = unwrap(await paymentService(c.env).runPayouts(body?.cutoff));
    // The drivers hear of what the run answered after the answer (./payout-notices.ts).
    c.executionCtx.waitUntil(tellPayoutsAfterRun(c.env, c.get("requestId")));
    return c.json(report, 202);
  });
  app.openapi(opsPayouts, async (c) => {
    const { limit, cursor, driverId } = c.req.valid("query");
    const page = unwrap(await paymentService(c.env).payouts(driverId ?? null, cursor ?? null, limit));
    return c.json({ items: page.items, nextCursor: page.next }, 200);
  });
  app.openapi(payoutAccount, async (c) => {
    const { accountId } = c.req.valid("json");
    const id = c.req.valid("param").id;
    // A typo must not store an account nobody is paid to while the driver's payouts stay refused.
    const driver = await driverStub(c.env, id).get();
    if (!driver) throw new AppError("not_found", "no driver with this id");
    const previous = await paymentService(c.env).setPayoutAccount(id, accountId);
    // Who moved where a driver is paid, and the driver told: a misused operator token must not move payouts unseen.
    const change = { driverId: id, by: c.var.actor.id, previous: maskedAccount(previous), account: maskedAccount(accountId), requestId: c.get("requestId") };
    console.log(JSON.stringify({ msg: "payout account set", ...change }));
    if (previous !== accountId) c.executionCtx.waitUntil(tellAccountChanged(c.env, driver, accountId, c.get("requestId")));
    return c.json({ accountId }, 200);
  });
  app.openapi(commission, async (c) => {
    const query = c.req.valid("query");
    const from = new Date(Date.parse(query.from));
    const to = new Date(Date.parse(query.to));
    if (from.getTime() >= to.getTime()) throw new AppError("invalid_request", "from: must be before to");
    return c.json(await paymentService(c.env).commissionReport(from.toISOString(), to.toISOString()), 200);
  });
  return app;
}
