/**
 * The views' window (src/views/window.ts) with the real views database and the real Rider
 * and Driver objects: settled rides and earnings past it are handed to their owners and only
 * then deleted; what is not settled, or whose owner failed, or that changed meanwhile, stays;
 * the owners' lists (workers/gateway/own-lists.ts) read across both stores, each row once.
 */
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import type { RiderDurableObject } from "../../src/durable-objects/rider";
import { describe, expect, it } from "vitest";
import { driverStub, riderStub } from "../../src/durable-objects/stubs";
import { letGoOfHistory, type HistoryKeepers } from "../../src/views/window";
import { KEPT_BEFORE, windowCutoff } from "../../src/views/window-rules";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import { unwrap } from "../../src/lib/problem";
import { applyWrites } from "../../src/views/projection";
import { rideSnapshotOf, rideWrites } from "../../workers/gateway/views-repair";
import { rebuildDeps, rebuildPage } from "../../workers/gateway/views-rebuild";
import { rideInProgress, testEnv, uniqueId } from "./helpers";
import { deliver, outstanding } from "./payment-steps";

const DAY = 86_400_000;
const daysAgo = (d: number, ms = 0) => new Date(Date.now() - d * DAY + ms).toISOString();
const cutoff = () => windowCutoff(new Date(), 30);

interface Seeded {
  id: string;
  riderId: string;
  driverId: string | null;
  status: string;
  payment: string | null;
  createdAt: string;
  version?: number;
}

async function seedRide(r: Seeded) {
  const version = r.version ?? 9;
  const snapshot = JSON.stringify({
    id: r.id,
    riderId: r.riderId,
    driverId: r.driverId,
    status: r.status,
    version,
    createdAt: r.createdAt,
    payment: { status: r.payment },
  });
  await testEnv.VIEWS_DB.prepare(
    `INSERT INTO rides (id, rider_id, driver_id, status, product, version, created_at, updated_at, payment_status, snapshot)
     VALUES (?1, ?2, ?3, ?4, 'standard', ?5, ?6, ?6, ?7, ?8)
     ON CONFLICT (id) DO UPDATE SET version = excluded.version, snapshot = excluded.snapshot, payment_status = excluded.payment_status`,
  )
    .bind(r.id, r.riderId, r.driverId, r.status, version, r.createdAt, r.payment, snapshot)
    .run();
}

async function seedEarning(id: string, driverId: string, earning: number, createdAt: string) {
  await testEnv.VIEWS_DB.prepare(
    `INSERT INTO earnings (id, ride_id, driver_id, fare, commission, earning, currency, created_at) VALUES (?1, ?1, ?2, ?3, ?4, ?5, 'KRW', ?6)`,
  )
    .bind(id, driverId, earning + 1000, 1000, earning, createdAt)
    .run();
}

const inViews = async (id: string) =>
  (await testEnv.VIEWS_DB.prepare("SELECT version FROM rides WHERE id = ?").bind(id).first<{ version: number }>())?.version ?? null;

const durable: HistoryKeepers = {
  keepRides: (owner, id, rides) => (owner === "rider" ? riderStub(testEnv, id).keepRides(rides) : driverStub(testEnv, id).keepRides(rides)),
  keepEarnings: (driverId, rows) => driverStub(testEnv, driverId).keepEarnings(rows),
};

async function get(path: string, actor: { id: string; role: "rider" | "driver" }) {
  const token = await issueToken(testEnv, actor);
  const res = await createApp().request(path, { headers: { authorization: `Bearer ${token}` } }, testEnv, createExecutionContext());
  expect(res.status).toBe(200);
  return res.json<{
    items: { id?: string; rideId?: string; version?: number; earning?: { amount: number } }[];
    nextCursor: string | null;
    total?: { amount: number };
  }>();
}

/** Every page of a list, following its cursors. */
async function allPages(path: string, actor: { id: string; role: "rider" | "driver" }) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const body = await get(`${path}${path.includes("?") ? "&" : "?"}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, actor);
    ids.push(...body.items.map((i) => i.id ?? i.rideId ?? ""));
    cursor = body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("more than 20 pages");
}

describe("the views' window", () => {
  it("hands settled rides past the window to the rider and the driver, keeps the rest, and the lists read both", async () => {
    const riderId = uniqueId("rider_w");
    const driverId = uniqueId("d_w");
    const ride = (n: number, patch: Partial<Seeded>): Seeded => ({
      id: `${riderId}_r${n}`,
      riderId,
      driverId,
      status: "completed",
      payment: "captured",
      createdAt: daysAgo(40, n),
      ...patch,
    });
    const seeded = [
      ride(1, {}),
      ride(2, { status: "cancelled", payment: "voided" }),
      ride(3, { status: "cancelled", payment: null, driverId: null }),
      ride(4, { payment: "failed" }), // an operator must still find it
      ride(5, { status: "cancelled", payment: "authorized" }), // its void is still to come
      ride(6, { status: "in_progress", payment: "authorized" }),
      ride(7, { createdAt: daysAgo(29) }), // inside the window
      ride(8, { createdAt: daysAgo(31) }),
    ];
    for (const r of seeded) await seedRide(r);

    const run = await letGoOfHistory(testEnv.VIEWS_DB, durable, cutoff(), 1_000);
    expect(run.notKept).toBe(0);
    const stayed = await Promise.all(seeded.map(async (r) => (await inViews(r.id)) !== null));
    expect(stayed).toEqual([false, false, false, true, true, true, true, false]);
    const keptByRider = (await riderStub(testEnv, riderId).keptRides({ before: null, limit: 10 })).map((r) => r.id);
    expect(keptByRider).toEqual([seeded[7]!.id, seeded[2]!.id, seeded[1]!.id, seeded[0]!.id]);
    const keptByDriver = (await driverStub(testEnv, driverId).keptRides({ before: null, limit: 10 })).map((r) => r.id);
    expect(keptByDriver).toEqual([seeded[7]!.id, seeded[1]!.id, seeded[0]!.id]);

    // Newest first across both stores, page by page, each ride once.
    const newestFirst = [...seeded].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).map((r) => r.id);
    expect(await allPages("/v1/rides", { id: riderId, role: "rider" })).toEqual(newestFirst);
    expect(await allPages("/v1/rides?status=completed", { id: riderId, role: "rider" })).toEqual(
      newestFirst.filter((id) => seeded.find((r) => r.id === id)?.status === "completed"),
    );
    expect(await allPages("/v1/drivers/me/rides", { id: driverId, role: "driver" })).toEqual(newestFirst.filter((id) => id !== seeded[2]!.id));

    // A second run finds nothing more to hand over.
    const again = await letGoOfHistory(testEnv.VIEWS_DB, durable, cutoff(), 1_000);
    expect(again).toEqual({ rides: 0, earnings: 0, notKept: 0 });
    expect(await Promise.all(seeded.map(async (r) => (await inViews(r.id)) !== null))).toEqual(stayed);
    const mark = await testEnv.VIEWS_DB.prepare("SELECT cursor FROM view_cursors WHERE name = ?").bind(KEPT_BEFORE.rides).first<{ cursor: string }>();
    expect(mark?.cursor && mark.cursor > daysAgo(31)).toBe(true);
  });

  it("a ride whose owner could not keep it stays in the views, and the run says so", async () => {
    const riderId = uniqueId("rider_f");
    const driverId = uniqueId("d_f");
    const id = `${riderId}_r`;
    await seedRide({ id, riderId, driverId, status: "completed", payment: "captured", createdAt: daysAgo(45) });
    const driverDown: HistoryKeepers = {
      ...durable,
      keepRides: (owner, ownerId, rides) =>
        owner === "driver" ? Promise.reject(new Error("driver object unreachable")) : durable.keepRides(owner, ownerId, rides),
    };
    const run = await letGoOfHistory(testEnv.VIEWS_DB, driverDown, cutoff(), 1_000);
    expect(run.notKept).toBeGreaterThan(0);
    expect(await inViews(id)).toBe(9);
    // Kept by the rider already: the list still shows it once.
    expect(await allPages("/v1/rides", { id: riderId, role: "rider" })).toEqual([id]);
    // The next run, with the driver back, finishes the move.
    expect((await letGoOfHistory(testEnv.VIEWS_DB, durable, cutoff(), 1_000)).notKept).toBe(0);
    expect(await inViews(id)).toBeNull();
    expect((await driverStub(testEnv, driverId).keptRides({ before: null, limit: 5 })).map((r) => r.id)).toEqual([id]);
  });

  it("a ride changed while it was handed over (a refund) stays, and the next run keeps the newer version", async () => {
    const riderId = uniqueId("rider_v");
    const id = `${riderId}_r`;
    const base: Seeded = { id, riderId, driverId: null, status: "completed", payment: "captured", createdAt: daysAgo(50) };
    await seedRide(base);
    const refundMeanwhile: HistoryKeepers = {
      ...durable,
      keepRides: async (owner, ownerId, rides) => {
        await durable.keepRides(owner, ownerId, rides);
        await seedRide({ ...base, payment: "refunded", version: 12 });
      },
    };
    await letGoOfHistory(testEnv.VIEWS_DB, refundMeanwhile, cutoff(), 1_000);
    expect(await inViews(id)).toBe(12);
    const listed = await get("/v1/rides", { id: riderId, role: "rider" });
    expect(listed.items.map((r) => [r.id, r.version])).toEqual([[id, 12]]);
    await letGoOfHistory(testEnv.VIEWS_DB, durable, cutoff(), 1_000);
    expect(await inViews(id)).toBeNull();
    expect((await riderStub(testEnv, riderId).keptRides({ before: null, limit: 5 })).map((r) => r.version)).toEqual([12]);
  });

  it("earnings past the window go to the driver; the list and its total count each row once, also mid-move", async () => {
    const driverId = uniqueId("d_e");
    const rows = [
      [`${driverId}_e1`, 10_000, daysAgo(60)],
      [`${driverId}_e2`, -2_000, daysAgo(59)],
      [`${driverId}_e3`, 8_000, daysAgo(35)],
      [`${driverId}_e4`, 7_000, daysAgo(2)],
    ] as const;
    for (const [id, earning, at] of rows) await seedEarning(id, driverId, earning, at);
    const driver = { id: driverId, role: "driver" as const };
    const before = await get("/v1/drivers/me/earnings", driver);
    expect(before.total?.amount).toBe(23_000);

    // Mid-move: the Driver DO holds the two oldest, the views still hold them too; and the newest,
    // as a later run with a later cut-off would keep it after this list read the views.
    const [e1, e2, , e4] = rows;
    await driverStub(testEnv, driverId).keepEarnings(
      [e1, e2, e4].map(([id, earning, at]) => ({ id, rideId: id, createdAt: at, fare: earning + 1000, commission: 1000, earning, currency: "KRW" })),
    );
    await testEnv.VIEWS_DB.prepare("INSERT INTO view_cursors (name, cursor, updated_at) VALUES (?1, ?2, ?2) ON CONFLICT (name) DO NOTHING")
      .bind(KEPT_BEFORE.earnings, daysAgo(30))
      .run();
    const midway = await get("/v1/drivers/me/earnings", driver);
    expect(midway.total?.amount).toBe(23_000);
    expect(await allPages("/v1/drivers/me/earnings", driver)).toEqual(rows.map(([id]) => id).reverse());

    const run = await letGoOfHistory(testEnv.VIEWS_DB, durable, cutoff(), 1_000);
    expect(run.notKept).toBe(0);
    const left = await testEnv.VIEWS_DB.prepare("SELECT id FROM earnings WHERE driver_id = ? ORDER BY id").bind(driverId).all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([`${driverId}_e4`]);
    const after = await get("/v1/drivers/me/earnings", driver);
    expect(after.total?.amount).toBe(23_000);
    expect(await allPages("/v1/drivers/me/earnings", driver)).toEqual(rows.map(([id]) => id).reverse());
  });

  it("an owner whose first keep failed keeps the next (its tables did not go with the failed transaction)", async () => {
    const riderId = uniqueId("rider_t");
    const stub = riderStub(testEnv, riderId);
    const unkeepable = { id: `${riderId}_bad`, createdAt: daysAgo(40), status: "completed", version: 1, snapshot: null as unknown as string };
    // Inside the object, so that the failure is this test's to catch rather than the runtime's to report.
    const failed = await runInDurableObject(stub, (instance: RiderDurableObject) => {
      try {
        instance.keepRides([unkeepable]);
        return null;
      } catch (error) {
        return String(error);
      }
    });
    expect(failed).toContain("NOT NULL");
    await stub.keepRides([{ id: `${riderId}_r`, createdAt: daysAgo(40), status: "completed", version: 1, snapshot: "{}" }]);
    expect((await stub.keptRides({ before: null, limit: 5 })).map((r) => r.id)).toEqual([`${riderId}_r`]);
  });

  it("a list read on an owner never handed anything answers nothing and makes no tables", async () => {
    const stub = riderStub(testEnv, uniqueId("rider_new"));
    expect(await stub.keptRides({ before: null, limit: 5 })).toEqual([]);
    const tables = await runInDurableObject(stub, (_i: RiderDurableObject, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE 'kept_%'").toArray(),
    );
    expect(tables).toEqual([]);
  });

  it("runs in the every-minute cron", async () => {
    const riderId = uniqueId("rider_c");
    const id = `${riderId}_r`;
    await seedRide({ id, riderId, driverId: null, status: "completed", payment: "captured", createdAt: daysAgo(90) });
    await gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
    expect(await inViews(id)).toBeNull();
    expect(await allPages("/v1/rides", { id: riderId, role: "rider" })).toEqual([id]);
  });
});

describe("the repair sweep beside the window", () => {
  it("brings back nothing the window handed over, though its ledger passes read the ledger's newest page again every run", async () => {
    const { stub, driver, ride } = await rideInProgress();
    await deliver([await outstanding(stub)]); // the hold
    unwrap(await stub.advance(driver.id, "complete", { distanceMeters: 4000, durationSeconds: 600 }, "req"));
    await deliver([await outstanding(stub)]); // the capture
    const snapshot = await rideSnapshotOf(testEnv, ride.id);
    expect(snapshot?.ride.payment.status).toBe("captured");
    await applyWrites(testEnv.VIEWS_DB, rideWrites(snapshot!));
    const earningsInViews = async () =>
      (await testEnv.VIEWS_DB.prepare("SELECT count(*) AS n FROM earnings WHERE ride_id = ?").bind(ride.id).first<{ n: number }>())?.n;
    expect([await inViews(ride.id), await earningsInViews()]).toEqual([snapshot!.ride.version, 1]);

    // A window of 0 days (development only): everything settled is past it at once.
    const windowNow = { ...testEnv, VIEWS_WINDOW_DAYS: "0" };
    for (let run = 0; run < 3; run++) {
      await gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, windowNow);
      expect([await inViews(ride.id), await earningsInViews()], `after run ${run + 1}`).toEqual([null, 0]);
    }
    expect(await allPages("/v1/rides", { id: ride.riderId, role: "rider" })).toEqual([ride.id]);
    // The rebuild meets it in the ledger: it goes to its owners again, not into the views.
    const rebuilt = await rebuildPage(rebuildDeps(windowNow), { source: "ledger", after: null }, 100);
    expect(rebuilt.failed).toEqual([]);
    expect([await inViews(ride.id), await earningsInViews()]).toEqual([null, 0]);
    const earned = await get("/v1/drivers/me/earnings", { id: driver.id, role: "driver" });
    expect(earned.items.map((e) => e.rideId)).toEqual([ride.id]);
    expect(earned.total?.amount).toBe(earned.items[0]?.earning?.amount);
    expect(earned.total?.amount).toBeGreaterThan(0);
  });
});
