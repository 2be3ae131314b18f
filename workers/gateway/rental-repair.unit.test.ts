/**
 * The rentals' repair sweep over the real views migrations in Node's SQLite, with Rental and
 * RentalVehicle objects faked at their RPC: one object that keeps failing holds back neither the
 * rows behind it nor the vehicles' sweep.
 */
import { describe, expect, it, vi } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { applyWrites } from "../../src/views/projection";
import { openRentalProblems } from "../../src/views/stats";
import { rentalWrites, repairRentalViews, RESTING_MS, staleIds, staleQuery, SWEPT } from "./rental-repair";

const OLD = "2026-12-01T00:00:00.000Z";

/** A namespace whose objects answer with `methods(name)`. */
const namespace = (methods: (name: string) => Record<string, unknown>) =>
  ({ idFromName: (name: string) => name, get: (id: string) => methods(id) }) as unknown as DurableObjectNamespace;

const rental = (id: string, status: string, version: number) => ({
  id,
  vehicleId: `rv_${id}`,
  riderId: "r1",
  hours: 1,
  price: { amount: 4000, currency: "KRW" },
  status,
  unlockKey: null,
  payment: { status: "captured" },
  cancellation: null,
  confirmedAt: OLD,
  endsAt: null,
  unlockedAt: null,
  version,
  createdAt: OLD,
  updatedAt: OLD,
});

describe("the rentals' repair sweep", () => {
  it("a rental whose object keeps failing is named and marked checked; the rows behind it and the vehicles still heal", async () => {
    const db = await sqliteD1("migrations/views");
    for (const id of ["rn_bad", "rn_ok"]) {
      await db
        .prepare(
          "INSERT INTO rentals (id, rider_id, vehicle_id, status, version, created_at, updated_at, snapshot) VALUES (?1, 'r1', ?2, 'confirmed', 1, ?3, ?3, '{}')",
        )
        .bind(id, `rv_${id}`, id === "rn_bad" ? "2026-12-01T00:00:00.000Z" : "2026-12-01T00:00:01.000Z")
        .run();
    }
    await db
      .prepare(
        "INSERT INTO rental_vehicles (id, kind, status, lat, lng, version, created_at, updated_at, snapshot) VALUES ('rv_1', 'scooter', 'rented', 37.5, 127, 1, ?1, ?1, '{}')",
      )
      .bind(OLD)
      .run();
    const env = {
      VIEWS_DB: db as unknown as D1Database,
      RENTAL: namespace((id) => ({
        get: async () => {
          if (id === "rn_bad") throw new Error("object unavailable");
          return { ok: true, value: rental(id, "completed", 5) };
        },
      })),
      RENTAL_VEHICLE: namespace((id) => ({
        heldBy: async () => null,
        get: async () => ({ id, kind: "scooter", status: "available", location: { lat: 37.5, lng: 127 }, version: 3, createdAt: OLD, updatedAt: OLD }),
      })),
    } as unknown as Parameters<typeof repairRentalViews>[0];
    const report = await repairRentalViews(env, { afterS: 0, maxRows: 25 });
    expect(report).toMatchObject({ rentals: 1, vehicles: 1, failed: [expect.stringMatching(/^rn_bad: .*object unavailable/)] });
    const rows = await db.prepare("SELECT id, status, checked_at FROM rentals ORDER BY id").all<{ id: string; status: string; checked_at: string | null }>();
    expect(rows.results.map((r) => [r.id, r.status, r.checked_at !== null])).toEqual([
      ["rn_bad", "confirmed", true],
      ["rn_ok", "completed", true],
    ]);
    expect(await db.prepare("SELECT status FROM rental_vehicles WHERE id = 'rv_1'").first<string>("status")).toBe("available");
  });

  it("a live rental's vehicle comes along: one whose `rented` was lost no longer shows available for the whole rental", async () => {
    const db = await sqliteD1("migrations/views");
    await db
      .prepare(
        "INSERT INTO rentals (id, rider_id, vehicle_id, status, version, created_at, updated_at, snapshot) VALUES ('rn_live', 'r1', 'rv_rn_live', 'confirmed', 2, ?1, ?1, '{}')",
      )
      .bind(OLD)
      .run();
    await db
      .prepare(
        "INSERT INTO rental_vehicles (id, kind, status, lat, lng, version, created_at, updated_at, snapshot) VALUES ('rv_rn_live', 'scooter', 'available', 37.5, 127, 1, ?1, ?1, '{}')",
      )
      .bind(OLD)
      .run();
    const vehicle = { id: "rv_rn_live", kind: "scooter", status: "rented", location: { lat: 37.5, lng: 127 }, version: 2, createdAt: OLD, updatedAt: OLD };
    const env = {
      VIEWS_DB: db as unknown as D1Database,
      RENTAL: namespace((id) => ({ get: async () => ({ ok: true, value: rental(id, "confirmed", 2) }) })),
      RENTAL_VEHICLE: namespace(() => ({ heldBy: async () => "rn_live", get: async () => vehicle })),
    } as unknown as Parameters<typeof repairRentalViews>[0];
    expect(await repairRentalViews(env, { afterS: 0, maxRows: 25 })).toMatchObject({ rentals: 1, failed: [] });
    expect(await db.prepare("SELECT status FROM rental_vehicles WHERE id = 'rv_rn_live'").first<string>("status")).toBe("rented");
  });

  it("reads the rentals still in play by their partial index, never the history of ended ones", async () => {
    const db = await sqliteD1("migrations/views");
    const put = (id: string, status: string, payment: string) =>
      db
        .prepare(
          "INSERT INTO rentals (id, rider_id, vehicle_id, status, version, created_at, updated_at, snapshot) VALUES (?1, 'r1', 'rv_1', ?2, 1, ?3, ?3, ?4)",
        )
        .bind(id, status, OLD, JSON.stringify({ payment: { status: payment } }))
        .run();
    await put("rn_requested", "requested", "pending");
    await put("rn_confirmed", "confirmed", "authorized");
    await put("rn_hold", "cancelled", "authorized"); // a hold still to void
    await put("rn_refund", "declined", "captured"); // a charge still to refund
    await put("rn_voided", "cancelled", "voided");
    await put("rn_refunded", "cancelled", "refunded");
    await put("rn_completed", "completed", "captured");
    const d1 = db as unknown as D1Database;
    expect((await staleIds(d1, SWEPT.rentals, "2026-12-02T00:00:00.000Z", 25)).sort()).toEqual(["rn_confirmed", "rn_hold", "rn_refund", "rn_requested"]);
    const plan = await db
      .prepare(`EXPLAIN QUERY PLAN ${staleQuery(SWEPT.rentals)}`)
      .bind("2026-12-02T00:00:00.000Z", 25, "2026-12-01T00:00:00.000Z")
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH rentals USING INDEX rentals_in_play \(<expr><\?\)/);
    expect(details, "in the index's order: no sort of every candidate").not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it("a rental whose refund was declined, checked, rests a day: ones waiting for an operator do not take every run's slots", async () => {
    const db = await sqliteD1("migrations/views");
    const insert = db.prepare(
      `INSERT INTO rentals (id, rider_id, vehicle_id, status, version, created_at, updated_at, snapshot, refund_declined_version)
       VALUES (?1, 'r1', ?2, ?3, 6, ?4, ?4, ?5, ?6)`,
    );
    const declined = Array.from({ length: 60 }, (_, i) => `rn_d${String(i).padStart(2, "0")}`);
    // Older than the stale live one: first in line, every run, were they not left to rest.
    for (const id of declined) await insert.bind(id, `rv_${id}`, "cancelled", OLD, JSON.stringify({ payment: { status: "captured" } }), 6).run();
    await insert.bind("rn_live", "rv_live", "confirmed", "2026-12-01T00:00:01.000Z", JSON.stringify({ payment: { status: "captured" } }), null).run();
    const asked: string[] = [];
    const env = {
      VIEWS_DB: db as unknown as D1Database,
      RENTAL: namespace((id) => ({
        get: async () => (asked.push(id), { ok: true, value: id === "rn_live" ? rental(id, "confirmed", 6) : rental(id, "cancelled", 6) }),
        timeline: async () => ({ ok: true, value: [{ id: "ev6", type: "RefundDeclined", version: 6, occurredAt: OLD, correlationId: "c", data: {} }] }),
      })),
      RENTAL_VEHICLE: namespace(() => ({ get: async () => null, heldBy: async () => null })),
    } as unknown as Parameters<typeof repairRentalViews>[0];
    const runs: string[][] = [];
    for (let run = 0; run < 3; run++) {
      asked.length = 0;
      await repairRentalViews(env, { afterS: 0, maxRows: 25 });
      runs.push([...asked]);
    }
    // 60 declined, 25 a run: the third run reaches the live one, and no declined rental is asked twice.
    expect(
      runs
        .flat()
        .filter((id) => id !== "rn_live")
        .sort(),
    ).toEqual(declined);
    expect(runs[2]).toContain("rn_live");
    // Checked as now (the truth), and passed over for a day unless the row changes: an operator's retry is checked as any change.
    expect(Date.parse((await db.prepare("SELECT checked_at FROM rentals WHERE id = 'rn_d00'").first<string>("checked_at"))!)).toBeLessThanOrEqual(Date.now());
    await db
      .prepare("UPDATE rentals SET updated_at = ?1, version = 7 WHERE id = 'rn_d01'")
      .bind(new Date(Date.now() + 1000).toISOString())
      .run();
    const stale = (ahead: number) => staleIds(db as unknown as D1Database, SWEPT.rentals, new Date(Date.now() + ahead).toISOString(), 100);
    expect((await stale(2000)).sort()).toEqual(["rn_d01", "rn_live"]);
    // A day on, each is checked again.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + RESTING_MS + 5000);
    try {
      expect((await stale(0)).length).toBe(61);
    } finally {
      vi.useRealTimers();
    }
  });

  it("brings a cancelled rental's declined refund back with its row (its snapshot does not say it), asking the events of no other rental", async () => {
    const timelines: string[] = [];
    const event = (type: string, version: number) => ({ id: `ev${version}`, type, version, occurredAt: OLD, correlationId: "c", data: {} });
    const env = {
      RENTAL: namespace((id) => ({
        get: async () => ({
          ok: true,
          value:
            id === "rn_voided"
              ? { ...rental(id, "cancelled", 7), payment: { status: "voided" } }
              : rental(id, id === "rn_declined" ? "cancelled" : "completed", 7),
        }),
        timeline: async () => {
          timelines.push(id);
          return { ok: true, value: [event("RentalCancelled", 5), event("RefundDeclined", 6), event("RefundRetried", 7)] };
        },
      })),
      RENTAL_VEHICLE: namespace(() => ({ get: async () => null })),
    } as unknown as Pick<Env, "RENTAL" | "RENTAL_VEHICLE">;
    const writes = (await rentalWrites(env, "rn_declined"))!;
    expect(writes).toEqual([
      { kind: "rental", rental: rental("rn_declined", "cancelled", 7) },
      { kind: "refund", of: "rental", id: "rn_declined", version: 6, declined: true },
    ]);
    expect((await rentalWrites(env, "rn_done"))!.map((w) => w.kind)).toEqual(["rental"]);
    // Cancelled before any money was taken: nothing to refund, its events not asked.
    expect((await rentalWrites(env, "rn_voided"))!.map((w) => w.kind)).toEqual(["rental"]);
    expect(timelines).toEqual(["rn_declined"]);
    // Written to views emptied by a rebuild: an open problem again.
    const db = await sqliteD1("migrations/views");
    await applyWrites(db as unknown as D1Database, writes);
    expect((await openRentalProblems(db as unknown as D1Database)).map((p) => p.rentalId)).toEqual(["rn_declined"]);
  });
});
