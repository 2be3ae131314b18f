/**
 * Operator endpoints of the notifications given up on: listed, and sent again once whatever
 * failed is mended (src/notifications/replay.ts says how a replay never sends a delivery twice).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { queueSender } from "../../../src/durable-objects/queues";
import { readConfig } from "../../../src/config";
import { listNotificationDeadLetters } from "../../../src/notifications/dead-letters";
import { REPLAY_MAX, replayNotificationDeadLetters } from "../../../src/notifications/replay";
import { requireRole } from "../auth";
import { bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { decodeCursor, encodeCursor } from "../queries";
import { newRouter } from "../router";
import { emptyIsUnset, ListQuerySchema, page } from "../schemas";

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags: ["ops"], security: bearer, middleware: requireRole("ops") });

const list = route({
  method: "get",
  path: "/v1/ops/notifications/dead-letters",
  operationId: "listNotificationDeadLetters",
  summary: "List the notifications given up on",
  description:
    "Notifications whose delivery failed every attempt (NOTIFY_MAX_ATTEMPTS), or that no notification worker could read, newest first. Their deliveries show `failed` in GET /v1/ops/notifications.",
  request: { query: ListQuerySchema.extend({ open: emptyIsUnset(z.enum(["true", "false"])).describe("true: only those not replayed yet") }) },
  responses: {
    200: jsonResponse(
      page(
        z.object({
          id: z.string(),
          eventId: z.string(),
          kind: z.string().describe("The message's kind: ride.notification, rental.notification, driver.notification, payout.notification"),
          eventType: z.string().nullable(),
          subjectId: z.string().nullable().describe("The ride, rental or payout it is about (null: a decision about a driver)"),
          reason: z.string(),
          receivedAt: z.string(),
          replayedAt: z.string().nullable(),
          body: z.unknown(),
        }),
      ),
      "The notification dead letters, newest first",
    ),
    ...commonProblems,
  },
});

const ReplayRequestSchema = z
  .object({
    ids: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(REPLAY_MAX)
      .optional()
      .describe(`The dead letters to send again; none: the oldest open ones, at most ${REPLAY_MAX} a call`),
  })
  .strict();

const replay = route({
  method: "post",
  path: "/v1/ops/notifications/replay",
  operationId: "replayNotificationDeadLetters",
  summary: "Send the notifications given up on again",
  description: `Sends open dead letters again (those named, or the oldest, at most ${REPLAY_MAX} a call: \`more\` says to call again): one message an event, its failed deliveries tried again from the first attempt; a delivery already sent is not sent again, a letter older than the delivery log's retention is not sent (\`tooOld\`), and each letter sent is marked replayed. Two calls at once never send the same letter. A notification that fails again comes back as a new dead letter. Send it once what failed is mended: a rider's news of an hour ago arrives an hour late.`,
  request: { ...jsonBody(ReplayRequestSchema, false) },
  responses: {
    202: jsonResponse(
      z.object({
        replayed: z.number().int(),
        notOpen: z.array(z.string()).describe("Ids asked for that are not open: replayed already, being replayed by another call, or no such dead letter"),
        tooOld: z
          .array(z.string())
          .describe(
            "Ids older than the delivery log's retention (DELIVERY_LOG_RETENTION_DAYS) allows: the log may no longer know what was sent, so they are not sent again",
          ),
        unreadable: z.array(z.string()).describe("Kept bodies a notification worker could not read, left open"),
        more: z.boolean(),
      }),
      "What was sent again",
    ),
    ...commonProblems,
  },
});

export function notificationLetterRoutes() {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = decodeCursor(q.cursor);
    const letters = await listNotificationDeadLetters(c.env.NOTIFICATIONS_DB, {
      open: q.open === "true",
      limit: q.limit,
      after: after && { receivedAt: after.createdAt, id: after.id },
    });
    return c.json({ items: letters.items, nextCursor: letters.last ? encodeCursor(letters.last.receivedAt, letters.last.id) : null }, 200);
  });
  app.openapi(replay, async (c) => {
    // The body is optional: none means the oldest open ones.
    const body = c.req.valid("json") as z.infer<typeof ReplayRequestSchema> | undefined;
    const send = queueSender(c.env);
    const retentionDays = readConfig(c.env).deliveryLogRetentionDays;
    return c.json(
      await replayNotificationDeadLetters(c.env.NOTIFICATIONS_DB, (bodies) => send("notifications", bodies), { ids: body?.ids, retentionDays }),
      202,
    );
  });
  return app;
}
