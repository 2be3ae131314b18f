/** Health and readiness (no auth). The API reference, /docs, is a static page: ./assets.ts. */
import { z } from "@hono/zod-openapi";
import { notReady } from "../../../src/lib/readiness";
import { missingSecrets } from "../../../src/required-secrets";
import { jsonResponse, problems } from "../openapi";
import { newRouter } from "../router";

/** The probes, in the OpenAPI document as every other endpoint is (their handlers answer the 503 themselves). */
function describeProbes(app: ReturnType<typeof newRouter>): void {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/healthz",
    operationId: "health",
    summary: "Whether the gateway answers",
    tags: ["service"],
    responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "The gateway runs") },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/readyz",
    operationId: "readiness",
    summary: "Whether the gateway can serve: its secrets set, its storage answering",
    tags: ["service"],
    responses: {
      200: jsonResponse(z.object({ status: z.literal("ready") }), "Ready"),
      ...problems(["unavailable", "a required secret missing, or the views database not answering (the detail names which)"]),
    },
  });
}

export function serviceRoutes() {
  const app = newRouter();
  describeProbes(app);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Ready when its secrets are set and its storage answers. A deploy without JWT_SECRET
  // says so here (503, naming the secret) rather than by a 500 on every call.
  app.get("/readyz", async (c) => {
    const missing = missingSecrets("gateway", c.env as unknown as Record<string, unknown>);
    try {
      await c.env.VIEWS_DB.prepare("SELECT 1").first();
    } catch (error) {
      missing.push(`views database: ${String(error)}`);
    }
    if (missing.length > 0) return notReady(`not ready: ${missing.join("; ")}`);
    return c.json({ status: "ready" });
  });
  return app;
}
