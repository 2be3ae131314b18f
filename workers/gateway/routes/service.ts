/** Health and readiness (no auth). The API reference, /docs, is a static page: ./assets.ts. */
import { z } from "@hono/zod-openapi";
import { notReady } from "../../../src/lib/readiness";
import { gatewayUnready } from "../readiness";
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
      ...problems([
        "unavailable",
        "a required secret missing, or the views database not answering (the detail says which; the exact cause is in the gateway's `not ready` log line)",
      ]),
    },
  });
}

export function serviceRoutes() {
  const app = newRouter();
  describeProbes(app);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  // Ready when its secrets are set and its storage answers. A deploy without JWT_SECRET
  // says so here (503) rather than by a 500 on every call; which secret, or the database's
  // error, is in the `not ready` line only: this answer is public.
  app.get("/readyz", async (c) => {
    const unready = await gatewayUnready(c.env);
    if (!unready) return c.json({ status: "ready" });
    console.error(JSON.stringify({ msg: "not ready", detail: unready.detail }));
    return notReady(unready.public);
  });
  return app;
}
