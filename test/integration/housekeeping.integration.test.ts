/**
 * The gateway's ten-minute cron (workers/gateway/housekeeping.ts), with the real views,
 * notification and ledger databases and payment worker: the notification delivery log's
 * retention (deliveries older than it go, newer ones stay, in the notification database and
 * in the old log the views kept; a failing database is reported, not swallowed) and the
 * databases' size (in the operators' figures, and an error line from
 * half of D1's limit), and the payout runs' sums kept current.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { sizeOf } from "../../src/views/database-size";
import { PAYMENTS_HEALTH_MS } from "../../src/views/stats";
import { DELIVERY_LOG_RETENTION_DAYS } from "../../src/notifications/retention";
import { VIEWS_WINDOW_DAYS } from "../../src/config";
import { VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import { testEnv, uniqueId } from "./helpers";
import { createExecutionContext } from "cloudflare:test";

const TEN_MINUTES = "*/10 * * * *";
const daysAgo = (d: number) => Date.now() - d * 86_400_000;

async function delivery(eventId: string, createdAt: number, db = testEnv.NOTIFICATIONS_DB) {
  await db
    .prepare(
      `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, created_at, updated_at)
     VALUES (?1, 'webhook', 'rider_1', 'rider', 'rd_retention', 'RideCompleted', 'sent', 1, ?2, ?2)`,
    )
    .bind(eventId, createdAt)
    .run();
}
const kept = async (eventId: string, db = testEnv.NOTIFICATIONS_DB) =>
  (await db.prepare("SELECT count(*) AS n FROM notification_deliveries WHERE event_id = ?").bind(eventId).first<{ n: number }>())?.n === 1;
const brokenDatabase = {
  prepare: () => {
    throw new Error("D1 unavailable");
  },
} as unknown as D1Database;
const run = (env: Env, cron = TEN_MINUTES) => gateway.scheduled({ cron, scheduledTime: Date.now(), noRetry: () => undefined }, env);
/** The every-minute cron: the views' repair sweep and the delivery log's retention. */
const everyMinute = (env: Env) => run(env, VIEWS_REPAIR_CRON);

describe("the delivery log's retention", () => {
  it("a database that fails the prune fails the cron run (reported, not swallowed)", async () => {
    await expect(everyMinute({ ...testEnv, NOTIFICATIONS_DB: brokenDatabase })).rejects.toThrow("D1 unavailable");
    await expect(run({ ...testEnv, VIEWS_DB: brokenDatabase })).rejects.toThrow("D1 unavailable");
  });

  it("the every-minute cron deletes deliveries older than the retention and keeps the rest", async () => {
    const old = uniqueId("ev_old");
    const recent = uniqueId("ev_recent");
    await delivery(old, daysAgo(DELIVERY_LOG_RETENTION_DAYS + 1));
    await delivery(recent, daysAgo(DELIVERY_LOG_RETENTION_DAYS - 1));
    expect([await kept(old), await kept(recent)]).toEqual([true, true]);
    await everyMinute(testEnv);
    expect([await kept(old), await kept(recent)]).toEqual([false, true]);
  });

  it("keeps what DELIVERY_LOG_RETENTION_DAYS says: a day, for a city whose month of deliveries would not fit", async () => {
    const older = uniqueId("ev_day_old");
    const younger = uniqueId("ev_day_young");
    await delivery(older, daysAgo(1.5));
    await delivery(younger, daysAgo(0.5));
    await everyMinute(testEnv);
    expect([await kept(older), await kept(younger)]).toEqual([true, true]);
    await everyMinute({ ...testEnv, DELIVERY_LOG_RETENTION_DAYS: "1" });
    expect([await kept(older), await kept(younger)]).toEqual([false, true]);
  });

  it("the old log the views kept (before the notification database) is emptied by the same retention, every ten minutes", async () => {
    const old = uniqueId("ev_views_old");
    const recent = uniqueId("ev_views_recent");
    await delivery(old, daysAgo(DELIVERY_LOG_RETENTION_DAYS + 1), testEnv.VIEWS_DB);
    await delivery(recent, daysAgo(DELIVERY_LOG_RETENTION_DAYS - 1), testEnv.VIEWS_DB);
    await run(testEnv);
    expect([await kept(old, testEnv.VIEWS_DB), await kept(recent, testEnv.VIEWS_DB)]).toEqual([false, true]);
  });

  it("the views' dead letters replayed before the window go, every ten minutes; open ones stay however old", async () => {
    const [replayedOld, replayedRecent, openOld] = [uniqueId("vl_old"), uniqueId("vl_recent"), uniqueId("vl_open")];
    const letter = (id: string, at: number, replayed: boolean) =>
      testEnv.VIEWS_DB.prepare(
        "INSERT INTO view_dead_letters (id, body, reason, attempts, received_at, replayed_at) VALUES (?1, '{}', 'queue gave up', 10, ?2, ?3)",
      )
        .bind(id, new Date(at).toISOString(), replayed ? new Date(at + 60_000).toISOString() : null)
        .run();
    await letter(replayedOld, daysAgo(VIEWS_WINDOW_DAYS + 2), true);
    await letter(replayedRecent, daysAgo(VIEWS_WINDOW_DAYS - 1), true);
    await letter(openOld, daysAgo(VIEWS_WINDOW_DAYS + 2), false);
    await run(testEnv);
    const left = await testEnv.VIEWS_DB.prepare("SELECT id FROM view_dead_letters WHERE id IN (?1, ?2, ?3) ORDER BY id")
      .bind(replayedOld, replayedRecent, openOld)
      .all<{ id: string }>();
    expect(left.results.map((r) => r.id).sort()).toEqual([replayedRecent, openOld].sort());
  });

  it("the old dead letters the views kept move to the notification database, where the operators' figures count them", async () => {
    const token = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const counted = async () => {
      const res = await createApp().request("/v1/ops/stats", { headers: { authorization: `Bearer ${token}` } }, testEnv, createExecutionContext());
      return ((await res.json()) as { deadLetters: { notifications: number } }).deadLetters.notifications;
    };
    const id = uniqueId("msg_old");
    const kept = { kind: "ride.notification", event: { id: "ev_1", type: "DriverAssigned" }, ride: { id: "rd_old" }, locale: "ko" };
    await testEnv.VIEWS_DB.prepare(
      "INSERT INTO notification_dead_letters (id, event_id, ride_id, body, reason, received_at) VALUES (?, 'ev_1', 'rd_old', ?, 'retries exhausted', ?)",
    )
      .bind(id, JSON.stringify(kept), new Date().toISOString())
      .run();
    const before = await counted();
    await run(testEnv);
    const where = async (db: D1Database) =>
      (await db.prepare("SELECT reason FROM notification_dead_letters WHERE id = ?").bind(id).first<{ reason: string }>())?.reason;
    expect([await where(testEnv.VIEWS_DB), await where(testEnv.NOTIFICATIONS_DB)]).toEqual([undefined, "retries exhausted"]);
    expect(await counted()).toBe(before + 1);

    // Moved over open, it can be sent again; once sent, the figures no longer count it.
    const sent: unknown[] = [];
    const queue = { sendBatch: async (messages: Iterable<{ body: unknown }>) => void sent.push(...[...messages].map((m) => m.body)) } as unknown as Queue;
    const replay = (body: unknown, role = "ops") =>
      issueToken(testEnv, { id: `${role}-1`, role: role as "ops" }).then((t) =>
        createApp().request(
          "/v1/ops/notifications/replay",
          { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: JSON.stringify(body) },
          { ...testEnv, NOTIFICATIONS_QUEUE: queue },
          createExecutionContext(),
        ),
      );
    // Who asks is checked before what they ask: a rider's bad request is a 403, not a 400.
    expect((await replay({ ids: [] }, "rider")).status).toBe(403);
    for (const bad of [{ ids: [] }, { ids: [""] }, { ids: "all" }, { ids: [id], also: 1 }]) {
      const res = await replay(bad);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect(sent).toEqual([]);
    const res = await replay({ ids: [id] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ replayed: 1, notOpen: [], tooOld: [], unreadable: [], more: false });
    expect(sent).toEqual([kept]);
    expect(await counted()).toBe(before);
    expect(await (await replay({ ids: [id] })).json()).toMatchObject({ replayed: 0, notOpen: [id] });
  });
});

/** The payment worker's binding with `methods` in place of its own; every other call reaches the real one (an RPC stub's methods are not bound functions). */
function paymentsWith(methods: Record<string, (...args: unknown[]) => Promise<unknown>>): Env["PAYMENTS"] {
  return new Proxy(testEnv.PAYMENTS, {
    get(target, prop) {
      if (typeof prop === "string" && prop in methods) return methods[prop];
      return (...args: unknown[]) => (target as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[prop]!(...args);
    },
  });
}

/** The JSON lines a console spy saw. */
const jsonLines = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.flat().flatMap((l) => (String(l).startsWith("{") ? [JSON.parse(String(l)) as Record<string, unknown>] : []));

/** A database as it is, except that it says it holds `bytes` (D1's `meta.size_after` of every query). */
function saying(real: D1Database, bytes: number): D1Database {
  return new Proxy(real, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (prop !== "prepare") return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      return (sql: string) => {
        const statement = target.prepare(sql);
        if (sql !== "SELECT 1") return statement;
        return {
          run: async () => {
            const result = await statement.run();
            return { ...result, meta: { ...result.meta, size_after: bytes } };
          },
        };
      };
    },
  });
}

describe("the databases' size", () => {
  afterEach(() => vi.restoreAllMocks());

  it("GET /v1/ops/stats shows how full the views and the notification databases are, and the payment worker's health the ledger", async () => {
    const token = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const env = { ...testEnv, NOTIFICATIONS_DB: saying(testEnv.NOTIFICATIONS_DB, 3e9) };
    const res = await createApp().request("/v1/ops/stats", { headers: { authorization: `Bearer ${token}` } }, env, createExecutionContext());
    expect(res.status).toBe(200);
    type Size = { bytes: number; limitBytes: number; share: number };
    const body = (await res.json()) as { storage: { views: Size; notifications: Size }; payments: { ledger: { bytes: number } } };
    expect(body.storage.views.limitBytes).toBe(10e9);
    expect(body.storage.views.bytes).toBeGreaterThan(0);
    expect(body.storage.views.share).toBeCloseTo(body.storage.views.bytes / 10e9);
    expect(body.storage.notifications).toEqual({ bytes: 3e9, limitBytes: 10e9, share: 0.3 });
    expect(body.payments.ledger.bytes).toBeGreaterThan(0);
  });

  it("a payment worker that does not answer is reported as such within a few seconds; the views' figures are there", async () => {
    const token = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const env = { ...testEnv, PAYMENTS: paymentsWith({ health: () => new Promise(() => undefined) }) } as Env;
    const started = Date.now();
    const res = await createApp().request("/v1/ops/stats", { headers: { authorization: `Bearer ${token}` } }, env, createExecutionContext());
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(PAYMENTS_HEALTH_MS + 2_000);
    const body = (await res.json()) as { payments: { error: string }; storage: { views: { bytes: number } } };
    expect(body.payments.error).toContain("payment worker health: no answer within 3000 ms");
    expect(body.storage.views.bytes).toBeGreaterThan(0);
  });

  it("a notification database that does not answer leaves its two figures null and says why; the views' figures and the payments' are still there", async () => {
    const token = await issueToken(testEnv, { id: "ops-1", role: "ops" });
    const env = { ...testEnv, NOTIFICATIONS_DB: brokenDatabase };
    const res = await createApp().request("/v1/ops/stats", { headers: { authorization: `Bearer ${token}` } }, env, createExecutionContext());
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      deadLetters: { views: number; notifications: number | null };
      storage: { views: { bytes: number }; notifications: unknown };
      errors: { notifications?: string };
      ridesByStatus: Record<string, number>;
      payments: { ledger: { bytes: number } };
    };
    expect(body.deadLetters.notifications).toBeNull();
    expect(body.storage.notifications).toBeNull();
    expect(body.errors.notifications).toContain("D1 unavailable");
    expect(body.deadLetters.views).toBeGreaterThanOrEqual(0);
    expect(body.storage.views.bytes).toBeGreaterThan(0);
    expect(typeof body.ridesByStatus).toBe("object");
    expect(body.payments.ledger.bytes).toBeGreaterThan(0);
    // And with every database answering, nothing is said to be missing.
    const whole = await createApp().request("/v1/ops/stats", { headers: { authorization: `Bearer ${token}` } }, testEnv, createExecutionContext());
    const fine = (await whole.json()) as { errors: Record<string, string>; deadLetters: { notifications: number | null } };
    expect(fine.errors).toEqual({});
    expect(typeof fine.deadLetters.notifications).toBe("number");
  });

  it("the ten-minute cron logs an error line for a database at half its limit, and none below", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await run({ ...testEnv, VIEWS_DB: saying(testEnv.VIEWS_DB, 4e9), NOTIFICATIONS_DB: saying(testEnv.NOTIFICATIONS_DB, 4.9e9) });
    expect(errors.mock.calls.flat().filter((l) => String(l).includes("size limit"))).toEqual([]);
    await run({ ...testEnv, VIEWS_DB: saying(testEnv.VIEWS_DB, 6e9), NOTIFICATIONS_DB: saying(testEnv.NOTIFICATIONS_DB, 5e9) });
    const lines = errors.mock.calls.flat().flatMap((l) => (String(l).startsWith("{") ? [JSON.parse(String(l)) as Record<string, unknown>] : []));
    expect(lines).toContainEqual({ msg: "database above half its size limit", database: "views", bytes: 6e9, limitBytes: 10e9, share: 0.6 });
    expect(lines).toContainEqual({ msg: "database above half its size limit", database: "notifications", bytes: 5e9, limitBytes: 10e9, share: 0.5 });
    expect(lines.filter((l) => l.database === "ledger")).toEqual([]);
  });

  it("the cron reads the ledger's size alone (not the payment worker's whole health) and logs it at half its limit", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const payments = paymentsWith({
      health: () => Promise.reject(new Error("the size check read health()")),
      ledgerSize: async () => sizeOf(7e9),
    });
    await run({ ...testEnv, PAYMENTS: payments } as Env);
    const lines = jsonLines(errors);
    expect(lines).toContainEqual({ msg: "database above half its size limit", database: "ledger", bytes: 7e9, limitBytes: 10e9, share: 0.7 });
  });

  it("a database that cannot be measured fails the run, after the others' alerts were written", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const payments = paymentsWith({ ledgerSize: () => Promise.reject(new Error("payment worker down")) });
    await expect(run({ ...testEnv, PAYMENTS: payments, VIEWS_DB: saying(testEnv.VIEWS_DB, 6e9) } as Env)).rejects.toThrow("payment worker down");
    const lines = jsonLines(errors);
    expect(lines).toContainEqual({ msg: "database above half its size limit", database: "views", bytes: 6e9, limitBytes: 10e9, share: 0.6 });
  });
});

describe("the payout runs' sums", () => {
  it("the ten-minute cron moves it to ten minutes ago, folding in each earning settled before once", async () => {
    const through = async () =>
      (await testEnv.LEDGER_DB.prepare("SELECT coalesce((SELECT through FROM earnings_checkpoint WHERE id = 1), '') AS t").first<{ t: string }>())?.t ?? "";
    const earned = async (driverId: string) =>
      (await testEnv.LEDGER_DB.prepare("SELECT earned FROM driver_earnings WHERE driver_id = ?").bind(driverId).first<{ earned: number }>())?.earned ?? null;
    const driverId = uniqueId("d_checkpoint");
    // Settled about eleven minutes ago (ten is how far the checkpoint trails the clock), after
    // wherever an earlier cron run of this file left it.
    const standing = Date.parse(await through());
    const at = new Date(Math.max(Date.now() - 11 * 60_000, Number.isNaN(standing) ? 0 : standing + 1)).toISOString();
    await testEnv.LEDGER_DB.prepare(
      "INSERT INTO settlements (ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, ?2, 10000, 2000, 8000, 'KRW', ?3)",
    )
      .bind(uniqueId("rd_checkpoint"), driverId, at)
      .run();
    const before = Date.now();
    await run(testEnv);
    expect(await earned(driverId)).toBe(8000);
    const lag = before - Date.parse(await through());
    expect(lag).toBeGreaterThan(9 * 60_000);
    expect(lag).toBeLessThanOrEqual(10 * 60_000);
    await run(testEnv);
    expect(await earned(driverId)).toBe(8000);
  });

  it("the ten-minute cron folds the payouts answered for good into the driver's sums, and leaves the open ones", async () => {
    const driverId = uniqueId("d_fold");
    const payout = (id: string, status: string, amount: number, updatedAt = "2026-01-01T00:00:00.000Z") =>
      testEnv.LEDGER_DB.prepare(
        `INSERT INTO payouts (id, run_id, driver_id, amount, currency, cutoff, status, retryable, provider, created_at, updated_at)
         VALUES (?1, 'pr_fold', ?2, ?3, 'KRW', '2026-01-01T00:00:00.000Z', ?4, 0, 'fake', '2026-01-01T00:00:00.000Z', ?5)`,
      ).bind(id, driverId, amount, status, updatedAt);
    await testEnv.LEDGER_DB.batch([
      payout(uniqueId("po_paid"), "succeeded", 7000),
      payout(uniqueId("po_refused"), "failed", 500),
      // Claimed just now: on its way (an older one the same cron would send again: see payouts.integration).
      payout(uniqueId("po_open"), "pending", 900, new Date().toISOString()),
    ]);
    await run(testEnv);
    expect(await testEnv.LEDGER_DB.prepare("SELECT taken, payouts FROM driver_payouts WHERE driver_id = ?").bind(driverId).first()).toEqual({
      taken: 7000,
      payouts: 2,
    });
    const open = await testEnv.LEDGER_DB.prepare("SELECT status FROM payouts WHERE driver_id = ? AND folded = 0").bind(driverId).all();
    expect(open.results).toEqual([{ status: "pending" }]);
  });
});
