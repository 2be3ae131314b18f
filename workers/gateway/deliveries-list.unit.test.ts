/**
 * The operators' delivery log list (`GET /v1/ops/notifications`) over the views' real schema:
 * newest first, pages that neither repeat nor skip a delivery, the filters, a computed id, ISO
 * times, and a cursor it did not give out refused as bad input.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/lib/problem";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { encodeCursor, listDeliveries } from "./queries";

let db: D1Database;
const at = (minute: number) => Date.UTC(2026, 11, 3, 9, minute);

/** Records deliveries in this order (so `seq` follows it). */
async function record(...rows: { eventId: string; rideId: string; recipient: string; audience: string; status: string; minute: number }[]) {
  for (const r of rows)
    await db
      .prepare(
        `INSERT INTO notification_deliveries (event_id, channel, recipient, audience, ride_id, event, status, attempts, last_error, created_at, updated_at)
         VALUES (?1, 'webhook', ?2, ?3, ?4, 'DriverAssigned', ?5, 1, NULL, ?6, ?6)`,
      )
      .bind(r.eventId, r.recipient, r.audience, r.rideId, r.status, at(r.minute))
      .run();
}

beforeEach(async () => {
  db = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
  await record(
    { eventId: "ev_1", rideId: "rd_a", recipient: "r_1", audience: "rider", status: "sent", minute: 1 },
    { eventId: "ev_2", rideId: "rd_a", recipient: "d_1", audience: "driver", status: "sent", minute: 2 },
    { eventId: "ev_3", rideId: "rd_b", recipient: "r_2", audience: "rider", status: "retrying", minute: 3 },
    { eventId: "ev_4", rideId: "rd_a", recipient: "r_1", audience: "rider", status: "failed", minute: 4 },
    { eventId: "ev_5", rideId: "rd_b", recipient: "r_2", audience: "rider", status: "sent", minute: 5 },
  );
});

describe("the delivery log list", () => {
  it("is newest first, with each delivery's id and its times as ISO text", async () => {
    const page = await listDeliveries(db, { limit: 10 });
    expect(page.items.map((i) => i.id)).toEqual([
      "nt_ev_5_webhook_rider",
      "nt_ev_4_webhook_rider",
      "nt_ev_3_webhook_rider",
      "nt_ev_2_webhook_driver",
      "nt_ev_1_webhook_rider",
    ]);
    expect(page.items[0]).toEqual(
      expect.objectContaining({
        rideId: "rd_b",
        channel: "webhook",
        recipient: "r_2",
        status: "sent",
        attempts: 1,
        lastError: null,
        createdAt: "2026-12-03T09:05:00.000Z",
      }),
    );
    expect(page.nextCursor).toBeNull();
  });

  it("pages through every delivery once, with a filter kept across pages", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await listDeliveries(db, { limit: 2, cursor });
      seen.push(...page.items.map((d) => d.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["nt_ev_5_webhook_rider", "nt_ev_4_webhook_rider", "nt_ev_3_webhook_rider", "nt_ev_2_webhook_driver", "nt_ev_1_webhook_rider"]);

    const first = await listDeliveries(db, { rideId: "rd_a", limit: 1 });
    const second = await listDeliveries(db, { rideId: "rd_a", limit: 5, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((d) => d.id)).toEqual(["nt_ev_4_webhook_rider", "nt_ev_2_webhook_driver", "nt_ev_1_webhook_rider"]);
  });

  it("filters by recipient and by status", async () => {
    expect((await listDeliveries(db, { recipient: "r_2", limit: 10 })).items.map((d) => d.id)).toEqual(["nt_ev_5_webhook_rider", "nt_ev_3_webhook_rider"]);
    expect((await listDeliveries(db, { status: "failed", limit: 10 })).items.map((d) => d.id)).toEqual(["nt_ev_4_webhook_rider"]);
  });

  it("refuses a cursor it did not give out as bad input", async () => {
    for (const cursor of ["nonsense", encodeCursor("", "x"), encodeCursor("", "1e400")]) {
      await expect(listDeliveries(db, { limit: 2, cursor })).rejects.toBeInstanceOf(AppError);
    }
  });

  it("the deliveries not sent are read by their partial index, never a walk of the whole log; sent ones by the log", async () => {
    const prepared: string[] = [];
    const spy = { ...(db as unknown as object), prepare: (q: string) => (prepared.push(q), db.prepare(q)) } as unknown as D1Database;
    expect((await listDeliveries(spy, { status: "retrying", limit: 10 })).items.map((d) => d.id)).toEqual(["nt_ev_3_webhook_rider"]);
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${prepared.at(-1)!}`)
      .bind("retrying", 11)
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/SEARCH notification_deliveries USING INDEX deliveries_unsent \(status=\?\)/);
    expect((await listDeliveries(db, { status: "sent", limit: 10 })).items).toHaveLength(3);
    expect((await listDeliveries(spy, { rideId: "rd_a", status: "failed", limit: 10 })).items.map((d) => d.id)).toEqual(["nt_ev_4_webhook_rider"]);
    const ridePlan = await db
      .prepare(`EXPLAIN QUERY PLAN ${prepared.at(-1)!}`)
      .bind("rd_a", "failed", 11)
      .all<{ detail: string }>();
    expect(ridePlan.results.map((r) => r.detail).join("\n"), "one ride's: by the ride").toMatch(/USING INDEX deliveries_by_ride \(ride_id=\?\)/);
  });
});
