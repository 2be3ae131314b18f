/**
 * Live WebSockets: GET /v1/rides/{id}/live (the ride's rider, its driver, ops),
 * GET /v1/drivers/me/live (the driver's offers and rides) and GET /v1/ops/live (the
 * operators' city map and figures, src/durable-objects/ops-feed.ts). The token comes in
 * the Authorization header or, for browsers, the `access_token` query parameter (the
 * only endpoints that take it: `requireSocketRole`), or better a short-lived `ticket` from
 * POST /v1/live/tickets (live-ticket.ts). The socket itself is accepted by
 * the Durable Object, which hibernates while it is idle.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { liveRequest } from "../../../src/durable-objects/live";
import type { Actor } from "../../../src/domain/types";
import { AppError } from "../../../src/lib/problem";
import { topicsParam, TOPICS_HEADER } from "../../../src/ops-feed/feed";
import { requireRole, requireSocketRole } from "../auth";
import { isLivePath, issueLiveTicket, LIVE_TICKET_TTL_S } from "../live-ticket";
import { newRouter } from "../router";
import type { AuthedEnv } from "../context";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { driverStub, opsFeedStub, resolveRide } from "../stubs";

const NOT_AN_UPGRADE = ["invalid_request", "not a WebSocket upgrade"] as const;

/** A plain GET never reaches an object. */
function mustBeUpgrade(c: Context<AuthedEnv>): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("invalid_request", "this endpoint is a WebSocket: send Upgrade: websocket");
}

/**
 * Hands the upgrade to the object, with when the token expires (the socket ends then) and the
 * ticket it came with (the object spends it); re-wraps its 101 so the middleware may add headers.
 * A 404 is `missing`; a 401, a ticket that opened a socket already; a 503, an object that cannot
 * answer for its data now (the feed with no watch lease): `unavailable`, connect again shortly.
 */
async function upgrade(
  c: Context<AuthedEnv>,
  stub: { fetch: (r: Request) => Promise<Response> },
  actor: Actor,
  missing = "no such ride",
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = liveRequest(c.req.url, actor, c.var.tokenExpiresAt, c.var.liveTicketId);
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  const answer = await stub.fetch(request);
  if (answer.status === 404) throw new AppError("not_found", missing);
  if (answer.status === 401) throw new AppError("unauthorized", "this ticket opened a socket already: ask POST /v1/live/tickets for another");
  if (answer.status === 503) throw new AppError("unavailable", "the live map cannot be read now: connect again shortly");
  if (answer.status !== 101 || !answer.webSocket) throw new AppError("internal", `live upgrade answered ${answer.status}`);
  return new Response(null, { status: 101, webSocket: answer.webSocket });
}

const TicketSchema = z
  .object({
    ticket: z.string().openapi({ description: "Put it in the socket's URL as `?ticket=`" }),
    path: z.string().openapi({ example: "/v1/ops/live" }),
    expiresAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("LiveTicket");

const issueTicket = createRoute({
  method: "post",
  path: "/v1/live/tickets",
  operationId: "issueLiveTicket",
  summary: "A ticket to open one live socket (browsers)",
  description: `For browsers, which cannot set headers on a WebSocket: instead of the token in the socket's URL (where request logs keep it), a ticket that opens only \`path\`, once, within ${LIVE_TICKET_TTL_S} s, and is taken by no other endpoint (a second opening is 401). The socket it opens ends when the token it was issued under expires.`,
  tags: ["rider", "driver", "ops"],
  security: bearer,
  middleware: requireRole("rider", "driver", "ops"),
  request: jsonBody(z.object({ path: z.string().max(200).openapi({ example: "/v1/ops/live" }) }).strict()),
  responses: { 201: jsonResponse(TicketSchema, "Issued"), ...commonProblems },
});

export function liveRoutes() {
  const app = newRouter();
  app.openapi(issueTicket, async (c) => {
    const { path } = c.req.valid("json");
    if (!isLivePath(path)) {
      throw new AppError("invalid_request", "path: one of /v1/rides/{id}/live, /v1/drivers/me/live, /v1/ops/live", {
        errors: [{ path: "path", message: "not a live socket" }],
      });
    }
    // Whether this actor may watch `path` is the socket's own check, made when it opens.
    const { ticket, expiresAt } = await issueLiveTicket(c.env.JWT_SECRET, c.var.actor, c.var.tokenExpiresAt, path, Date.now());
    return c.json({ ticket, path, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });
  app.get("/v1/rides/:id/live", requireSocketRole("rider", "driver", "ops"), async (c) => {
    mustBeUpgrade(c);
    return upgrade(c, resolveRide(c.env, c.req.param("id")), c.var.actor);
  });
  app.get("/v1/drivers/me/live", requireSocketRole("driver"), async (c) => {
    mustBeUpgrade(c);
    const driver = c.var.actor;
    return upgrade(c, driverStub(c.env, driver.id), driver, "register first: PUT /v1/drivers/me");
  });
  app.get("/v1/ops/live", requireSocketRole("ops"), async (c) => {
    mustBeUpgrade(c);
    const topics = topicsParam(c.req.query("topics"));
    if (!topics)
      throw new AppError("invalid_request", "topics: a comma-separated list of rides, drivers and stats", {
        errors: [{ path: "topics", message: "not a topic" }],
      });
    return upgrade(c, opsFeedStub(c.env), c.var.actor, undefined, { [TOPICS_HEADER]: topics.join(",") });
  });

  const token = z.object({
    access_token: z
      .string()
      .optional()
      .openapi({ description: "The bearer token, for browsers that cannot set headers (a `ticket` is safer: URLs are logged)" }),
    ticket: z
      .string()
      .optional()
      .openapi({ description: "A ticket from POST /v1/live/tickets for this path (it opens one socket: a second opening with it is 401)" }),
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/rides/{id}/live",
    operationId: "watchRide",
    summary: "Watch a ride live (WebSocket)",
    tags: ["rider", "driver", "ops"],
    security: bearer,
    description:
      "WebSocket. Sends the Ride JSON at once (the current state), then on every change. Closed with 1000 once the ride is settled, with 4401 at the first frame or ping after the token expires, with 4403 at the first change after a driver may no longer watch the ride (an offer declined, expired, withdrawn or cancelled with the ride; backed out), and with 1012 when it must reconnect. A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).",
    request: { params: z.object({ id: z.string() }), query: token },
    responses: { 101: { description: "Switching to WebSocket" }, ...authedProblems(NOT_AN_UPGRADE, ["not_found", "no such ride, or not yours"]) },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/drivers/me/live",
    operationId: "watchMyDriverFeed",
    summary: "Watch the driver's offers and rides live (WebSocket)",
    tags: ["driver"],
    security: bearer,
    description:
      'WebSocket. Closed with 4401 at the first frame or ping after the token expires. Sends {"type":"driver",driver,offers} at once, then {"type":"offer",offer} the moment an offer is made and {"type":"ride",ride} on every change of the driver\'s ride that the driver did not ask for (the answer to an accept, arrive, start or complete carries the ride already). {"type":"driver",driver,offers} again after an operator\'s decision, when the driver is taken offline for silence, and when they are let go of (no offer left). A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).',
    request: { query: token },
    responses: { 101: { description: "Switching to WebSocket" }, ...authedProblems(NOT_AN_UPGRADE, ["not_found", "the driver is not registered"]) },
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/ops/live",
    tags: ["ops"],
    operationId: "opsLive",
    summary: "The operators' live feed (WebSocket)",
    security: bearer,
    description:
      'WebSocket, one per console, filtered server side; closed with 4401 at the first frame or ping after the token expires. Sends {"type":"snapshot",at,rides,drivers} at once (open rides, drivers not offline; at most 5,000 of each, with truncated:["rides"|"drivers"] naming those cut), ' +
      'then {"type":"ride",ride} on every change of a ride (its last one included) and {"type":"driver",driver} on a driver\'s change of status ' +
      "and, throttled, of position. The client sends `ping` (answered `pong`) or " +
      '{"type":"subscribe","topics":["rides","drivers","stats"]} (any subset; default rides and drivers), answered with a fresh snapshot; ' +
      "`?topics=rides,drivers,stats` (any subset; an empty one is none) subscribes from the start, saving that second snapshot; " +
      'while subscribed to stats, {"type":"stats",at,stats} (the body of GET /v1/ops/stats) at once and every 5 s. A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).',
    request: {
      query: token.extend({
        topics: z.string().optional().openapi({
          description: "What to watch from the start: a comma-separated subset of rides, drivers, stats (default rides,drivers)",
          example: "rides,drivers,stats",
        }),
      }),
    },
    responses: {
      101: { description: "Switching to WebSocket" },
      ...authedProblems(NOT_AN_UPGRADE, ["forbidden", "operators only"], ["unavailable", "the views database is not answering: connect again shortly"]),
    },
  });
  return app;
}
