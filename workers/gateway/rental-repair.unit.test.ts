/**
 * The rentals' repair sweep over the real views migrations in Node's SQLite, with Rental and
 * RentalVehicle objects faked at their RPC: one object that keeps failing holds back neither the
 * rows behind it nor the vehicles' sweep.
 */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { repairRentalViews } from "./rental-repair";

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
});
