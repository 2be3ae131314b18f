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
import { notificationFaults } from "../../../src/views/schema";
import { setViewsFault } from "../../../src/views/faults";
import { keyIssuerStub } from "../../../src/durable-objects/stubs";

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

export function devRoutes() {
  const app = newRouter();
  app.use("/v1/dev/*", async (c, next) => {
    if (readConfig(c.env).environment !== "development") throw new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`);
    await next();
  });
  app.openapi(tokens, async (c) => {
    const body = c.req.valid("json");
    return c.json({ token: await issueToken(c.env, { id: body.sub, role: body.role }) }, 200);
  });
  app.openapi(faults, async (c) => {
    const body = c.req.valid("json");
    const payment = body.payment ? await paymentService(c.env).setFaults(body.payment) : undefined;
    if (body.notification) {
      // Read by the notification worker before each batch (its sinks: webhook, KakaoTalk).
      const now = new Date().toISOString();
      const fault = JSON.stringify(body.notification);
      await drizzle(c.env.VIEWS_DB)
        .insert(notificationFaults)
        .values({ id: 1, fault, updatedAt: now })
        .onConflictDoUpdate({ target: notificationFaults.id, set: { fault, updatedAt: now } });
    }
    // Read by the views worker before each batch, in development only.
    if (body.views) await setViewsFault(c.env.VIEWS_DB, body.views.mode);
    const keys = body.keys ? await keyIssuerStub(c.env).setFaults(body.keys) : undefined;
    return c.json({ payment, notification: body.notification, views: body.views, keys }, 200);
  });
  return app;
}
