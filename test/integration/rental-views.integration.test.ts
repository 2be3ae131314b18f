/**
 * Rentals heal like rides, inside workerd with the real Rental and RentalVehicle objects,
 * the real payment worker, ledger and views: a rental none of whose messages reached the
 * views (here the ride-events queue has no consumer, so every one of them is lost) is found
 * through the ledger by the repair sweep, and projected with its vehicle; the rebuild
 * projects it too (what an emptied view needs); `POST /v1/ops/views/repair` runs the
 * rentals' part of the sweep as the cron does; a vehicle never rented comes back from the
 * fleet.
 */
import { describe, expect, it } from "vitest";
import type { Rental } from "../../src/domain/rental/types";
import { fleetStub, rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { applyWrites } from "../../src/views/projection";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { repairRentalViews } from "../../workers/gateway/rental-repair";
import { VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import { testEnv } from "./helpers";
import { created, newVehicle, payThroughWorker } from "./rentals";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
const ops = { id: "ops-rental-views", role: "ops" as const };

async function asOps<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${await issueToken(testEnv, ops)}` };
  const res = await app.request(path, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) }, testEnv, ctx);
  return { status: res.status, body: (await res.json()) as T };
}

const rentalRow = (id: string) =>
  testEnv.VIEWS_DB.prepare("SELECT status, version FROM rentals WHERE id = ?").bind(id).first<{ status: string; version: number }>();
const vehicleRow = (id: string) =>
  testEnv.VIEWS_DB.prepare("SELECT status, version FROM rental_vehicles WHERE id = ?").bind(id).first<{ status: string; version: number }>();
const rentalNow = async (id: string) => unwrap((await rentalStub(testEnv, id).get(ops)) as Outcome<Rental>);

/** Runs `POST /v1/ops/views/rebuild` page by page to its end; answers the ids it reported missing. */
async function rebuildToEnd(): Promise<string[]> {
  const missing: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await asOps<{ missing: string[]; failed: string[]; nextCursor: string | null }>("/v1/ops/views/rebuild", { cursor, limit: 50 });
    expect(page.status).toBe(200);
    expect(page.body.failed).toEqual([]);
    missing.push(...page.body.missing);
    cursor = page.body.nextCursor ?? undefined;
    pages += 1;
  } while (cursor && pages < 100);
  expect(cursor, "the rebuild came to its end").toBeUndefined();
  return missing;
}

const inFleet = async (vehicleId: string) => (await fleetStub(testEnv).page(null, 10_000)).includes(vehicleId);

/** A confirmed rental, paid through the real payment worker (so the ledger knows it), that the views never heard of. */
async function lostRental() {
  const made = await created();
  await payThroughWorker(made.stub);
  const rental = await rentalNow(made.i.rentalId);
  expect(rental.status).toBe("confirmed");
  expect(await rentalRow(rental.id), "no message of the rental reached the views").toBeNull();
  // Older than VIEWS_REPAIR_AFTER_S, as a lost rental's ledger row would be by the time the sweep reads it.
  const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
  await testEnv.LEDGER_DB.prepare("UPDATE payment_operations SET created_at = ? WHERE ride_id = ?").bind(longAgo, rental.id).run();
  return { rental, vehicleId: made.vehicleId };
}

describe("rentals in the views' repair", () => {
  it("a rental none of whose messages reached the views is found through the ledger by the cron, and projected with its vehicle", async () => {
    const { rental, vehicleId } = await lostRental();
    for (let run = 0; run < 5 && (await rentalRow(rental.id)) === null; run++) {
      await gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
    }
    expect(await rentalRow(rental.id)).toEqual({ status: "confirmed", version: rental.version });
    expect(await vehicleRow(vehicleId)).toMatchObject({ status: "rented" });
  });

  it("POST /v1/ops/views/repair finds it too, and reports it restored", async () => {
    const { rental, vehicleId } = await lostRental();
    let restored = 0;
    for (let run = 0; run < 5 && (await rentalRow(rental.id)) === null; run++) {
      const report = await asOps<{ lost: { inserted: number; error: string | null }; rentals: { rentals: number; vehicles: number; failed: string[] } }>(
        "/v1/ops/views/repair",
      );
      expect(report.status).toBe(200);
      expect(report.body.lost.error).toBeNull();
      expect(report.body.rentals).toEqual({ rentals: expect.any(Number), vehicles: expect.any(Number), failed: [] });
      restored += report.body.lost.inserted;
    }
    expect(restored).toBeGreaterThanOrEqual(1);
    expect(await rentalRow(rental.id)).toEqual({ status: "confirmed", version: rental.version });
    expect(await vehicleRow(vehicleId)).toMatchObject({ status: "rented" });
  });

  it("the rebuild projects the rentals the views lack, with their vehicles, from the ledger's ids; no rental is reported missing", async () => {
    const { rental, vehicleId } = await lostRental();
    const missing = await rebuildToEnd();
    expect(missing.filter((id) => id.startsWith("rn_"))).toEqual([]);
    expect(await rentalRow(rental.id)).toEqual({ status: "confirmed", version: rental.version });
    expect(await vehicleRow(vehicleId)).toMatchObject({ status: "rented" });
  });
});

describe("vehicles in the rebuild", () => {
  it("a vehicle never rented, gone from an emptied view, comes back from the fleet; one registered before the fleet is listed in it by the rebuild", async () => {
    // Registered through the gateway: listed in the fleet before its object is made.
    const registered = await asOps<{ id: string }>("/v1/ops/rental-vehicles", { kind: "bike", location: { lat: 37.41, lng: 126.71 }, hourlyRate: 1500 });
    expect(registered.status).toBe(201);
    const fresh = registered.body.id;
    expect(await inFleet(fresh)).toBe(true);
    // Registered through its object alone, as before the fleet existed, and in the views.
    const older = await newVehicle();
    const olderVehicle = await rentalVehicleStub(testEnv, older).get();
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rentalVehicle", vehicle: olderVehicle! }]);
    expect(await inFleet(older)).toBe(false);
    expect(await rebuildToEnd()).not.toContain(older);
    expect(await inFleet(older), "listed by the rebuild's walk of the views' vehicles").toBe(true);
    // The views lose both (an emptied view); neither was ever rented, so no rental and no ledger entry names them.
    await testEnv.VIEWS_DB.prepare("DELETE FROM rental_vehicles WHERE id IN (?, ?)").bind(fresh, older).run();
    expect(await rebuildToEnd()).toEqual(expect.not.arrayContaining([fresh, older]));
    expect(await vehicleRow(fresh)).toMatchObject({ status: "available" });
    expect(await vehicleRow(older)).toMatchObject({ status: "available" });
  });
});

describe("the rebuild's cursor", () => {
  it("anything but a cursor the API gave out is a 400 problem, never a 500; a rentals cursor it gave out goes on from there", async () => {
    const bad = [
      "not base64 %%",
      btoa("null"),
      btoa("5"),
      btoa("[]"),
      btoa('{"source":"elsewhere","after":null}'),
      btoa('{"source":"fleet","after":5}'),
      btoa('{"source":"ledger","after":"%%%"}'),
    ];
    for (const cursor of bad) {
      const page = await asOps<{ code: string; detail: string }>("/v1/ops/views/rebuild", { cursor });
      expect([page.status, page.body.code], cursor).toEqual([400, "invalid_request"]);
    }
    const rentals = await asOps<{ nextCursor: string | null }>("/v1/ops/views/rebuild", { cursor: btoa('{"source":"rentals","after":null}'), limit: 50 });
    expect(rentals.status).toBe(200);
    // A ledger place the payment worker made reads on (the last ride id, in its own cursor).
    const ledger = await asOps<{ nextCursor: string | null }>("/v1/ops/views/rebuild", {
      cursor: btoa(JSON.stringify({ source: "ledger", after: btoa("rd_0") })),
      limit: 1,
    });
    expect(ledger.status).toBe(200);
  });
});

describe("a vehicle's row healed by a refusal", () => {
  it("a vehicle the views show free while its object is held (its `rented` lost): the first rental refused heals its row, which the sweep then frees", async () => {
    const vehicleId = await newVehicle();
    await applyWrites(testEnv.VIEWS_DB, [{ kind: "rentalVehicle", vehicle: (await rentalVehicleStub(testEnv, vehicleId).get())! }]);
    // Held by a rental whose creation failed; its `rented` reached no view (no consumer here).
    unwrap(await rentalVehicleStub(testEnv, vehicleId).reserve("rn_ghost00000000000000000000", "c"));
    expect((await vehicleRow(vehicleId))?.status).toBe("available");
    const waits: Promise<unknown>[] = [];
    const collecting = { ...ctx, waitUntil: (p: Promise<unknown>) => void waits.push(p) } as unknown as ExecutionContext;
    const rider = await issueToken(testEnv, { id: "r-rental-views-heal", role: "rider" });
    const res = await app.request(
      "/v1/rentals",
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${rider}` },
        body: JSON.stringify({ vehicleId, hours: 1, paymentMethod: "pm_card_visa" }),
      },
      testEnv,
      collecting,
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "vehicle_unavailable" });
    await Promise.all(waits);
    expect((await vehicleRow(vehicleId))?.status, "no longer in riders' search").toBe("rented");
    // A rented row is the sweep's: its rental does not exist, so the vehicle is freed, and shown free.
    const report = await repairRentalViews(testEnv, { afterS: 0, maxRows: 1_000 });
    expect(report.failed).toEqual([]);
    expect(await rentalVehicleStub(testEnv, vehicleId).heldBy()).toBeNull();
    expect((await vehicleRow(vehicleId))?.status).toBe("available");
  });
});

describe("a rental request sent again without a key", () => {
  const rent = async (riderId: string, body: Record<string, unknown>) => {
    const token = await issueToken(testEnv, { id: riderId, role: "rider" });
    const res = await app.request(
      "/v1/rentals",
      { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) },
      testEnv,
      ctx,
    );
    return { status: res.status, body: (await res.json()) as Rental & { code?: string }, location: res.headers.get("location") };
  };

  it("its 202 lost, the same body by the same rider is answered the rental its first try made, not 409 'another rental'; others are 409", async () => {
    const vehicleId = await newVehicle();
    const body = { vehicleId, hours: 1, paymentMethod: "pm_card_visa" };
    const first = await rent("r-keyless-1", body);
    expect(first.status).toBe(202);
    const again = await rent("r-keyless-1", body);
    expect([again.status, again.body.id, again.location]).toEqual([202, first.body.id, `/v1/rentals/${first.body.id}`]);
    // Not the same request: another body of the same rider, or another rider with the same body.
    const longer = await rent("r-keyless-1", { ...body, hours: 2 });
    expect([longer.status, longer.body.code]).toEqual([409, "vehicle_unavailable"]);
    const other = await rent("r-keyless-2", body);
    expect([other.status, other.body.code]).toEqual([409, "vehicle_unavailable"]);
    // One rental holds the vehicle, the first; none other was made.
    expect(await rentalVehicleStub(testEnv, vehicleId).heldBy()).toBe(first.body.id);
  });
});
