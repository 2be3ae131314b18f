/**
 * The delivery log over the views' real schema (Node's SQLite): the claim per (ride, event,
 * channel, recipient), the attempts counted on one row, lookups of more keys than one
 * statement binds, and the one index every lookup uses.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { DeliveryLog, keyOf, sentKey, type PlannedDelivery } from "./delivery-log";

let d1: D1Like;
let log: DeliveryLog;
const planned = (i: number, over: Partial<PlannedDelivery> = {}): PlannedDelivery => ({
  rideId: `rd_${i}`,
  eventId: `ev_${i}`,
  channel: "webhook",
  recipient: `r_${i}`,
  audience: "rider",
  event: "DriverAssigned",
  version: i,
  ...over,
});

beforeEach(async () => {
  d1 = await sqliteD1("migrations/notifications");
  log = new DeliveryLog(d1 as unknown as D1Database);
});

describe("the delivery log", () => {
  it("records a delivery once and counts each attempt on its row", async () => {
    const d = planned(1);
    await log.recordAll([{ delivery: d, sent: false, error: "sink down", final: false }]);
    await log.recordAll([{ delivery: d, sent: true }]);
    const row = (await log.lookUp([d])).get(keyOf(d));
    expect(row).toEqual(expect.objectContaining({ id: "nt_ev_1_webhook_rider", status: "sent", attempts: 2, lastError: null, rideId: "rd_1" }));
    expect(row!.updatedAt.getTime()).toBeGreaterThanOrEqual(row!.createdAt.getTime());
    const count = await d1.prepare("SELECT count(*) AS n FROM notification_deliveries").first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("keeps a delivery sent when another copy of its event failed to send it afterwards", async () => {
    const d = planned(2);
    await log.recordAll([{ delivery: d, sent: true }]);
    await log.recordAll([{ delivery: d, sent: false, error: "sink down", final: false }]);
    await log.recordAll([{ delivery: d, sent: false, error: "sink down", final: true }]);
    expect((await log.lookUp([d])).get(keyOf(d))).toEqual(expect.objectContaining({ status: "sent", attempts: 1, lastError: null }));
  });

  it("finds each of more deliveries than one statement can bind, and only those recorded", async () => {
    const all = Array.from({ length: 60 }, (_, i) => planned(i));
    await log.recordAll(all.filter((_, i) => i % 2 === 0).map((delivery) => ({ delivery, sent: true as const })));
    const found = await log.lookUp(all);
    expect([...found.keys()].sort()).toEqual(
      all
        .filter((_, i) => i % 2 === 0)
        .map(keyOf)
        .sort(),
    );
  });

  it("keeps the same recipient's deliveries of two channels, or of the rider and the driver, apart", async () => {
    const rider = planned(1);
    const kakao = planned(1, { channel: "kakao" });
    const driver = planned(1, { recipient: "d_1", audience: "driver" });
    await log.recordAll([{ delivery: rider, sent: true }]);
    const found = await log.lookUp([rider, kakao, driver]);
    expect([...found.keys()]).toEqual([keyOf(rider)]);
  });

  it("looks deliveries up through the ride's index, never by scanning the log", async () => {
    const prepared: string[] = [];
    const watching = { ...d1, prepare: (query: string) => (prepared.push(query), d1.prepare(query)) };
    await new DeliveryLog(watching as unknown as D1Database).lookUp([planned(1), planned(2)]);
    expect(prepared).toHaveLength(1);
    const plan = await d1
      .prepare(`EXPLAIN QUERY PLAN ${prepared[0]}`)
      .bind(...Array.from({ length: 8 }, (_, i) => `v${i}`))
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/USING INDEX deliveries_by_ride/);
    expect(details).not.toMatch(/^SCAN notification_deliveries$/m);
  });

  it("answers which rides had a later step told, sent only, by ride, recipient and event, with the newest version told, through the ride's index; past one read's binds too", async () => {
    const done = planned(1, { eventId: "ev_done", event: "RideCompleted" });
    const failed = planned(2, { eventId: "ev_fail", event: "RideCompleted" });
    const other = planned(3, { eventId: "ev_arr", event: "DriverArrived" });
    // Two drivers assigned to ride 4 in turn, the second (version 9) not sent; and a row from before versions were kept.
    const first = planned(4, { eventId: "ev_a1", event: "DriverAssigned", version: 5 });
    const second = planned(4, { eventId: "ev_a2", event: "DriverAssigned", version: 7 });
    const unsent = planned(4, { eventId: "ev_a3", event: "DriverAssigned", version: 9 });
    const old = planned(5, { eventId: "ev_old", event: "DriverUnassigned", version: null });
    const many = Array.from({ length: 120 }, (_, i) => planned(100 + i, { eventId: `ev_c${i}`, event: "RideCancelled" }));
    await log.recordAll([
      { delivery: done, sent: true },
      { delivery: failed, sent: false, error: "sink down", final: true },
      { delivery: other, sent: true },
      { delivery: second, sent: true },
      { delivery: first, sent: true },
      { delivery: unsent, sent: false, error: "sink down", final: false },
      { delivery: old, sent: true },
      ...many.map((delivery) => ({ delivery, sent: true as const })),
    ]);
    const asked = ["TripStarted", "RideCompleted", "RideCancelled", "DriverAssigned", "DriverUnassigned"];
    const told = await log.sentOf(["rd_1", "rd_2", "rd_3", "rd_4", "rd_5", ...many.map((d) => d.rideId)], asked);
    expect(told.get(sentKey("rd_1", "r_1", "RideCompleted"))).toBe(1);
    expect(told.has(sentKey("rd_2", "r_2", "RideCompleted")), "failed, not told").toBe(false);
    expect(told.has(sentKey("rd_3", "r_3", "DriverArrived")), "not asked about").toBe(false);
    expect(told.get(sentKey("rd_4", "r_4", "DriverAssigned")), "the newest sent").toBe(7);
    expect(told.get(sentKey("rd_5", "r_5", "DriverUnassigned")), "told, version unknown").toBeNull();
    expect(told.get(sentKey("rd_100", "r_100", "RideCancelled"))).toBe(100);
    // Each also by its channel.
    expect(told.get(sentKey("rd_4", "r_4", "DriverAssigned", "webhook"))).toBe(7);
    expect(told.has(sentKey("rd_4", "r_4", "DriverAssigned", "kakao"))).toBe(false);
    expect(told.size).toBe(2 * 123);
    const prepared: string[] = [];
    const watching = { ...d1, prepare: (query: string) => (prepared.push(query), d1.prepare(query)) };
    await new DeliveryLog(watching as unknown as D1Database).sentOf(["rd_1", "rd_2"], ["TripStarted", "RideCompleted", "RideCancelled"]);
    expect(prepared).toHaveLength(1);
    const plan = await d1
      .prepare(`EXPLAIN QUERY PLAN ${prepared[0]}`)
      .bind(...Array.from({ length: 6 }, (_, i) => `v${i}`))
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join("\n")).toMatch(/USING INDEX deliveries_by_ride/);
  });

  it("by any channel, the newest version told on any of them; a row that kept none gives way to one that did", async () => {
    const onKakao = planned(7, { eventId: "ev_k", channel: "kakao", event: "DriverAssigned", version: 9 });
    const onWebhook = planned(7, { eventId: "ev_w", channel: "webhook", event: "DriverAssigned", version: null });
    await log.recordAll([
      { delivery: onWebhook, sent: true },
      { delivery: onKakao, sent: true },
    ]);
    const told = await log.sentOf(["rd_7"], ["DriverAssigned"]);
    expect(told.get(sentKey("rd_7", "r_7", "DriverAssigned"))).toBe(9);
    expect(told.get(sentKey("rd_7", "r_7", "DriverAssigned", "webhook"))).toBeNull();
  });

  it("a row a previous worker began (no version) takes its event's version when this one records its next attempt", async () => {
    const d = planned(8, { version: null });
    await log.recordAll([{ delivery: d, sent: false, error: "sink down", final: false }]);
    await log.recordAll([{ delivery: { ...d, version: 12 }, sent: true }]);
    expect((await log.lookUp([d])).get(keyOf(d))).toMatchObject({ status: "sent", attempts: 2, version: 12 });
  });
});
