/** Health and readiness (no auth). The API reference, /docs, is a static page: ./assets.ts. */
import { Hono } from "hono";
import { notReady } from "../../../src/lib/readiness";
import { missingSecrets } from "../../../src/required-secrets";
import type { GatewayEnv } from "../context";

export function serviceRoutes() {
  const app = new Hono<GatewayEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Ready when its secrets are set and its storage answers. A deploy without JWT_SECRET
  // says so here (503, naming the secret) rather than by a 500 on every call.
  app.get("/readyz", async (c) => {
    const problems = missingSecrets("gateway", c.env as unknown as Record<string, unknown>);
    try {
      await c.env.VIEWS_DB.prepare("SELECT 1").first();
    } catch (error) {
      problems.push(`views database: ${String(error)}`);
    }
    if (problems.length > 0) return notReady(`not ready: ${problems.join("; ")}`);
    return c.json({ status: "ready" });
  });
  return app;
}
