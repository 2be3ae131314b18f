/**
 * Operator endpoints of the query views: their dead letters (listed, replayed), the
 * repair sweep on demand, and the rebuild from the objects' event logs, page by page
 * (what `npm run views:rebuild` drives).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../../src/lib/problem";
import { isCursor } from "../../../src/payments/page-cursor";
import { listDeadLetters, replayDeadLetters } from "../../../src/views/dead-letters";
import { letterReplay, replayLetterDeps } from "../letter-replay";
import { requireRole } from "../auth";
import { bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { newRouter } from "../router";
import { emptyIsUnset, ListQuerySchema, page } from "../schemas";
import { repairAll } from "../views-repair";
import { FeedNews } from "../../../src/durable-objects/ops-publish";
import { REBUILD_SOURCES, rebuildDeps, rebuildPage, type RebuildCursor } from "../views-rebuild";

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ ...r, tags: ["ops"], security: bearer, middleware: requireRole("ops") });

/** Cursors are opaque to clients: base64 of the JSON. */
const encode = (value: unknown): string => btoa(JSON.stringify(value));
function decode(cursor: string | undefined): unknown {
  if (!cursor) return undefined;
  try {
    return JSON.parse(atob(cursor)) as unknown;
  } catch {
    throw new AppError("invalid_request", "cursor: not a cursor this API gave out");
  }
}

function rebuildCursor(cursor: string | undefined): RebuildCursor {
  const c = decode(cursor);
  if (c === undefined) return { source: "views", after: null };
  const sources: readonly unknown[] = REBUILD_SOURCES;
  // Any JSON decodes (null, a number, an array): only an object of a known source and a string or null `after` is a cursor.
  const { source, after } = typeof c === "object" && c !== null ? (c as Partial<Record<keyof RebuildCursor, unknown>>) : {};
  // The ledger's place is the payment worker's own cursor (one part: workers/payment/pages.ts `rideIdsPage`), which it throws on.
  const placed = after === null || (typeof after === "string" && (source !== "ledger" || isCursor(after, 1)));
  if (sources.includes(source) && placed) return { source: source as RebuildCursor["source"], after: after as string | null };
  throw new AppError("invalid_request", "cursor: not a cursor this API gave out");
}

function letterCursor(cursor: string | undefined): { receivedAt: string; id: string } | null {
  const c = decode(cursor);
  if (c === undefined) return null;
  if (Array.isArray(c) && typeof c[0] === "string" && typeof c[1] === "string") return { receivedAt: c[0], id: c[1] };
  throw new AppError("invalid_request", "cursor: not a cursor this API gave out");
}

const replay = route({
  method: "post",
  path: "/v1/ops/views/replay",
  operationId: "replayViewDeadLetters",
  summary: "Replay the views' dead letters",
  description:
    "Projects every dead-lettered views message not replayed yet (at most 150 a call: `more` says to call again) and marks it replayed. A message that fails again stays open with the new reason.",
  responses: {
    202: jsonResponse(z.object({ replayed: z.number().int(), failed: z.number().int(), more: z.boolean() }), "What was replayed"),
    ...commonProblems,
  },
});

const deadLetters = route({
  method: "get",
  path: "/v1/ops/views/dead-letters",
  operationId: "listViewDeadLetters",
  summary: "List the views' dead letters",
  request: { query: ListQuerySchema.extend({ open: emptyIsUnset(z.enum(["true", "false"])).describe("true: only those not replayed yet") }) },
  responses: {
    200: jsonResponse(
      page(
        z.object({
          id: z.string(),
          kind: z.string(),
          eventType: z.string().nullable(),
          subjectId: z.string().nullable().describe("The ride, driver or rider the message is about"),
          reason: z.string(),
          attempts: z.number().int(),
          receivedAt: z.string(),
          replayedAt: z.string().nullable(),
          body: z.unknown(),
        }),
      ),
      "The views' dead letters, newest first",
    ),
    ...commonProblems,
  },
});

const RowsReportSchema = z.object({ checked: z.number().int(), missing: z.number().int(), failed: z.array(z.string()) });
const RosterReportSchema = z.object({ read: z.number().int(), projected: z.number().int(), failed: z.array(z.string()) });
const LedgerPassSchema = z.object({ scanned: z.number().int(), inserted: z.number().int(), error: z.string().nullable() });
const repairNow = route({
  method: "post",
  path: "/v1/ops/views/repair",
  operationId: "repairViews",
  summary: "Run the views repair sweep now",
  description:
    "Runs the repair sweep now (it also runs every minute): stale rows (rides, drivers, riders' dues, rentals, rented vehicles) re-read from their objects, missing earnings copied from the ledger, rides and rentals the ledger knows and the views lack projected from their objects, and a page of the fleet's drivers and vehicles checked for rows the views lack (the walk goes on where the last run stopped).",
  responses: {
    200: jsonResponse(
      z.object({
        rides: RowsReportSchema,
        drivers: RowsReportSchema,
        riders: RowsReportSchema.describe("Riders' dues rows re-read from their objects: open dues gone quiet, and the riders of rides that ended unpaid"),
        earnings: LedgerPassSchema,
        lost: LedgerPassSchema.describe("Rides and rentals the ledger knows that the views had no row for (inserted: projected from their objects)"),
        rentals: z
          .object({
            rentals: z.number().int(),
            vehicles: z.number().int(),
            failed: z.array(z.string()).describe("Rows whose object could not be read (`id: error`), asked again at a later run"),
          })
          .describe("Stale rental and rented-vehicle rows projected again"),
        roster: z
          .object({ drivers: RosterReportSchema, vehicles: RosterReportSchema })
          .describe("The fleet's drivers and vehicles read this run, and those the views had no row for, projected from their objects"),
      }),
      "What the sweep looked at",
    ),
    ...commonProblems,
  },
});

const RebuildRequestSchema = z
  .object({
    cursor: z.string().max(400).optional().describe("nextCursor of the previous page; none: from the start"),
    limit: z.number().int().min(1).max(50).optional().describe("Rides or rentals per page (default 20)"),
  })
  .strict();
const rebuild = route({
  method: "post",
  path: "/v1/ops/views/rebuild",
  operationId: "rebuildViews",
  summary: "Rebuild a page of the views from the event logs",
  description:
    "Rebuilds one page of rides and rentals (the views' rides, their rentals, then the ledger's) from their objects: a ride from its event log, with its driver; a rental from its snapshot, with its vehicle. Call again with `nextCursor` until it is null.",
  request: {
    ...jsonBody(RebuildRequestSchema, false),
  },
  responses: {
    200: jsonResponse(
      z.object({
        rebuilt: z.number().int(),
        missing: z.array(z.string()).describe("Ride and rental ids no object knows"),
        failed: z.array(z.string()),
        nextCursor: z.string().nullable(),
      }),
      "One page rebuilt",
    ),
    ...commonProblems,
  },
});

export function viewRoutes() {
  const app = newRouter();
  app.openapi(replay, async (c) => {
    // What a replay or a rebuild page wrote goes to the operators' feed too, even when it failed midway.
    const news = new FeedNews();
    try {
      return c.json(await replayDeadLetters(c.env.VIEWS_DB, { projectLetter: letterReplay(replayLetterDeps(c.env, news)) }), 202);
    } finally {
      await news.tell(c.env, "views replay");
    }
  });
  app.openapi(deadLetters, async (c) => {
    const q = c.req.valid("query");
    const list = await listDeadLetters(c.env.VIEWS_DB, { open: q.open === "true", limit: q.limit, after: letterCursor(q.cursor) });
    return c.json({ items: list.items, nextCursor: list.last ? encode([list.last.receivedAt, list.last.id]) : null }, 200);
  });
  app.openapi(repairNow, async (c) => {
    return c.json(await repairAll(c.env), 200);
  });
  app.openapi(rebuild, async (c) => {
    // The body is optional: none means from the start, 20 rides or rentals a page.
    const body = c.req.valid("json") as z.infer<typeof RebuildRequestSchema> | undefined;
    const news = new FeedNews();
    const result = await rebuildPage(rebuildDeps(c.env, news), rebuildCursor(body?.cursor), body?.limit ?? 20).finally(() => news.tell(c.env, "views rebuild"));
    return c.json({ rebuilt: result.rebuilt, missing: result.missing, failed: result.failed, nextCursor: result.next ? encode(result.next) : null }, 200);
  });
  return app;
}
