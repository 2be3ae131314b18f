/** Development-only endpoints: 404 in every other environment. */
import { createRoute, z } from "@hono/zod-openapi";
import { readConfig } from "../../../src/config";
import { AppError } from "../../../src/lib/problem";
import { issueToken } from "../auth";
import { newRouter } from "../router";
import { jsonBody, jsonResponse, problems } from "../openapi";

/** Anonymous, limited per address, and absent outside development. */
const DEV_PROBLEMS = problems("invalid_request", ["not_found", "not in development"], "payload_too_large", "rate_limited", "internal");
import { DevTokenRequestSchema } from "../schemas";
import { paymentService } from "../stubs";
import { drizzle } from "drizzle-orm/d1";
import { notificationFaults } from "../../../src/notifications/schema";
import { setViewsFault } from "../../../src/views/faults";
import { keyIssuerStub } from "../../../src/durable-objects/stubs";
import { metrics, type MetricsSnapshot } from "../../../src/lib/metrics";

const tokens = createRoute({
  method: "post",
  path: "/v1/dev/tokens",
  operationId: "createDevToken",
  summary: "Mint a token (development only)",
  tags: ["development"],
  request: jsonBody(DevTokenRequestSchema),
  responses: {
    200: jsonResponse(z.object({ token: z.string() }), "A token for the subject and role (development only)"),
    ...DEV_PROBLEMS,
  },
});

const FaultSchema = z
  .object({
    mode: z.enum(["ok", "down", "slow", "flaky"]),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    failureRate: z.number().min(0).max(1).optional(),
    declineCaptures: z.boolean().optional(),
    declineRefunds: z.boolean().optional(),
  })
  .strict();
/** `down`: the views worker's projection fails (its messages retry, then end in the views' dead letters). */
const ViewsFaultSchema = z.object({ mode: z.enum(["ok", "down"]) }).strict();
/** Rental key issuing: `down` refuses every request (retried later), `slow` answers after `latencyMs` (default 3 s). */
const KeysFaultSchema = z.object({ mode: z.enum(["ok", "down", "slow"]), latencyMs: z.number().int().min(0).max(60_000).optional() }).strict();
const FaultsSchema = z
  .object({ payment: FaultSchema.optional(), notification: FaultSchema.optional(), views: ViewsFaultSchema.optional(), keys: KeysFaultSchema.optional() })
  .strict();
const faults = createRoute({
  method: "put",
  path: "/v1/dev/faults",
  operationId: "setDevFaults",
  summary: "Inject faults (development only)",
  tags: ["development"],
  request: jsonBody(FaultsSchema),
  responses: {
    200: jsonResponse(FaultsSchema, "The faults now in force"),
    ...DEV_PROBLEMS,
  },
});

const RateSchema = z.object({ maxPerSecond: z.number(), meanPerSecond: z.number() });
const ObjectRateSchema = RateSchema.extend({ object: z.string(), total: z.number() });
const SnapshotSchema = z.object({
  windowS: z.number(),
  totals: z.record(z.string(), z.number()),
  hottest: z.record(z.string(), z.array(ObjectRateSchema)),
  rates: z.record(z.string(), RateSchema),
});
const D1Schema = RateSchema.extend({ statements: z.number(), transactions: z.number(), rows: z.number() });
const MetricsSchema = z.object({
  windowS: z.number(),
  hottest: z.object({
    ride: z.array(ObjectRateSchema),
    driver: z.array(ObjectRateSchema),
    cell: z.array(ObjectRateSchema),
    district: z.array(ObjectRateSchema),
  }),
  d1: z.record(z.string(), D1Schema),
  gateway: SnapshotSchema,
  payment: SnapshotSchema.nullable(),
  elsewhere: z.string(),
});
const metricsRoute = createRoute({
  method: "get",
  path: "/v1/dev/metrics",
  operationId: "getDevMetrics",
  summary: "Calls, messages and writes counted in this run (development only)",
  description:
    "Object calls by object and method, alarms, queue messages sent, consumer runs and D1 writes, counted since the workers started, " +
    "with the hottest ride, driver, cell and district objects over the last windowS seconds (most requests in one second, and the mean).",
  tags: ["development"],
  responses: {
    200: jsonResponse(MetricsSchema, "The gateway's counters (with every object it hosts) and the payment worker's (null when it does not answer)"),
    ...DEV_PROBLEMS,
  },
});

/** D1 writes by database (`d1:BINDING:statements|transactions|rows` of each snapshot), summed. */
function d1Writes(snapshots: readonly MetricsSnapshot[]): z.infer<typeof MetricsSchema>["d1"] {
  const d1: z.infer<typeof MetricsSchema>["d1"] = {};
  for (const s of snapshots) {
    for (const [key, n] of Object.entries(s.totals)) {
      const [kind, db, what] = key.split(":");
      if (kind !== "d1" || !db || (what !== "statements" && what !== "transactions" && what !== "rows")) continue;
      const entry = (d1[db] ??= { statements: 0, transactions: 0, rows: 0, maxPerSecond: 0, meanPerSecond: 0 });
      entry[what] += n;
      const rate = what === "statements" ? s.rates[key] : undefined;
      if (rate) {
        entry.maxPerSecond += rate.maxPerSecond;
        entry.meanPerSecond += rate.meanPerSecond;
      }
    }
  }
  return d1;
}

export function devRoutes() {
  const app = newRouter();
  app.use("/v1/dev/*", async (c, next) => {
    if (readConfig(c.env).environment !== "development") throw new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`);
    await next();
  });
  app.openapi(tokens, async (c) => {
    const body = c.req.valid("json");
    return c.json({ token: await issueToken(c.env, { id: body.sub, role: body.role }, body.ttlSeconds) }, 200);
  });
  app.openapi(faults, async (c) => {
    const body = c.req.valid("json");
    const payment = body.payment ? await paymentService(c.env).setFaults(body.payment) : undefined;
    if (body.notification) {
      // Read by the notification worker before each batch (its sinks: webhook, KakaoTalk).
      const now = new Date().toISOString();
      const fault = JSON.stringify(body.notification);
      await drizzle(c.env.NOTIFICATIONS_DB)
        .insert(notificationFaults)
        .values({ id: 1, fault, updatedAt: now })
        .onConflictDoUpdate({ target: notificationFaults.id, set: { fault, updatedAt: now } });
    }
    // Read by the views worker before each batch, in development only.
    if (body.views) await setViewsFault(c.env.VIEWS_DB, body.views.mode);
    const keys = body.keys ? await keyIssuerStub(c.env).setFaults(body.keys) : undefined;
    return c.json({ payment, notification: body.notification, views: body.views, keys }, 200);
  });
  app.openapi(metricsRoute, async (c) => {
    const gateway = metrics.snapshot();
    // Null when the payment worker is not running (DEV_GATEWAY_ONLY=1) or does not answer: the gateway's counters still stand.
    const payment = await paymentService(c.env)
      .metrics()
      .catch(() => null);
    return c.json(
      {
        windowS: gateway.windowS,
        hottest: {
          ride: gateway.hottest.RIDE ?? [],
          driver: gateway.hottest.DRIVER ?? [],
          cell: gateway.hottest.DISPATCH_CELL ?? [],
          district: gateway.hottest.DISPATCH_DISTRICT ?? [],
        },
        d1: d1Writes(payment ? [gateway, payment] : [gateway]),
        gateway,
        payment,
        elsewhere: 'The views and notification workers log their totals after each consumer run: lines {"msg":"dev metrics","worker":…,"totals":…}.',
      },
      200,
    );
  });
  return app;
}
