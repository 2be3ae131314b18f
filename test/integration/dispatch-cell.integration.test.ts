/**
 * The dispatch index matches on every product a vehicle serves: a courier listed with
 * [parcel_large, parcel_small] is found for both parcel classes and for nothing else, a
 * sedan for standard only; a courier appearing ends the no-supply window of every product they serve.
 * Each entry holds a lease: past it the driver is not found, and the next write forgets them.
 * A cell made before leases gets the new columns when it starts, once.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
import { cellStub } from "../../src/durable-objects/stubs";
import { testEnv, uniqueId } from "./helpers";

const at = { lat: 37.5, lng: 127 };

describe("DispatchCell: matching by products", () => {
  it("finds a driver for each product their vehicle serves, and for no other", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    const listedUntil = now + 60_000;
    await cell.upsert({ driverId: "courier", ...at, product: "parcel_large", products: ["parcel_large", "parcel_small"], reportedAt: now, listedUntil });
    await cell.upsert({ driverId: "sedan", ...at, product: "standard", reportedAt: now, listedUntil });
    const found = async (product: "standard" | "parcel_small" | "parcel_large" | "van") =>
      (await cell.nearby(at, 5000, product, now)).map((e) => e.driverId).sort();
    expect(await found("parcel_small")).toEqual(["courier"]);
    expect(await found("parcel_large")).toEqual(["courier"]);
    expect(await found("standard")).toEqual(["sedan"]);
    expect(await found("van")).toEqual([]);
    // A new vehicle replaces what the driver served.
    await cell.upsert({ driverId: "courier", ...at, product: "parcel_small", products: ["parcel_small"], reportedAt: now + 1, listedUntil });
    expect(await found("parcel_large")).toEqual([]);
    await cell.remove("courier");
    expect(await found("parcel_small")).toEqual([]);
  });

  it("a courier appearing ends the no-supply window of every product they serve", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const until = Date.now() + 60_000;
    await cell.markNoSupply("parcel_small", until);
    await cell.markNoSupply("standard", until);
    const now = Date.now();
    await cell.upsert({
      driverId: "courier",
      ...at,
      product: "parcel_large",
      products: ["parcel_large", "parcel_small"],
      reportedAt: now,
      listedUntil: now + 60_000,
    });
    expect(await cell.noSupplyUntil("parcel_small")).toBeNull();
    expect(await cell.noSupplyUntil("standard")).toBe(until);
  });
});

describe("DispatchCell: leases", () => {
  const entry = (driverId: string, reportedAt: number, listedUntil: number) => ({ driverId, ...at, product: "standard" as const, reportedAt, listedUntil });
  const rows = (cell: ReturnType<typeof cellStub>) =>
    runInDurableObject(cell, (_instance: DispatchCellDurableObject, state) =>
      state.storage.sql
        .exec<{ driver_id: string; writes: number; listed_until: number }>("SELECT driver_id, writes, listed_until FROM drivers ORDER BY driver_id")
        .toArray(),
    );

  it("finds a driver until the lease runs out, not after; the next write forgets the lapsed entry", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    await cell.upsert(entry("lapsing", now - 200_000, now + 1_000));
    await cell.upsert(entry("listed", now, now + 120_000));
    expect((await cell.nearby(at, 5000, "standard", now)).map((e) => e.driverId).sort()).toEqual(["lapsing", "listed"]);
    expect((await cell.nearby(at, 5000, "standard", now + 1_001)).map((e) => e.driverId)).toEqual(["listed"]);
    await new Promise((r) => setTimeout(r, 1_100));
    await cell.upsert(entry("listed", now + 1, Date.now() + 120_000));
    expect((await rows(cell)).map((r) => [r.driver_id, r.writes])).toEqual([["listed", 2]]);
  });

  it("a cell made before leases gets the columns once, and its entries keep the old freshness window", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const reportedAt = Date.now();
    await cell.upsert(entry("old", reportedAt, reportedAt + 120_000));
    await runInDurableObject(cell, (_instance: DispatchCellDurableObject, state) => {
      // The table as it was: no lease, no count.
      state.storage.sql.exec("ALTER TABLE drivers DROP COLUMN listed_until");
      state.storage.sql.exec("ALTER TABLE drivers DROP COLUMN writes");
      new DispatchCellDurableObject(state, testEnv);
      new DispatchCellDurableObject(state, testEnv);
    });
    expect(await rows(cell)).toEqual([{ driver_id: "old", writes: 0, listed_until: reportedAt + 30_000 }]);
    expect((await cell.nearby(at, 5000, "standard", reportedAt + 30_000)).map((e) => e.driverId)).toEqual(["old"]);
    expect(await cell.nearby(at, 5000, "standard", reportedAt + 30_001)).toEqual([]);
  });
});

describe("DispatchCell: who was listed anew", () => {
  it("wait answers which listed drivers were listed anew since the round began; a lease renewal is not one", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    const listedUntil = now + 60_000;
    const waiter = { rideId: uniqueId("rd"), product: "standard" as const, pickup: at, radiusM: 5000, until: now + 60_000 };
    await cell.upsert({ driverId: "renewed", ...at, product: "standard", reportedAt: now - 2, listedUntil }, true);
    await new Promise((r) => setTimeout(r, 5));
    const roundStart = Date.now();
    await cell.upsert({ driverId: "renewed", ...at, product: "standard", reportedAt: now - 1, listedUntil }, false);
    await cell.upsert({ driverId: "freed", ...at, product: "standard", reportedAt: now, listedUntil }, true);
    const answer = await cell.wait(waiter, Date.now(), roundStart);
    expect([...answer.listed].sort()).toEqual(["freed", "renewed"]);
    expect(answer.relisted).toEqual(["freed"]);
  });
});
