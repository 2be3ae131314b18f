/**
 * The dispatch index matches on every product a vehicle serves: a courier listed with
 * [parcel_large, parcel_small] is found for both parcel classes and for nothing else, a
 * sedan for standard only; a courier appearing ends the no-supply window of every product they serve.
 */
import { describe, expect, it } from "vitest";
import { cellStub } from "../../src/durable-objects/stubs";
import { testEnv, uniqueId } from "./helpers";

const at = { lat: 37.5, lng: 127 };

describe("DispatchCell: matching by products", () => {
  it("finds a driver for each product their vehicle serves, and for no other", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const now = Date.now();
    await cell.upsert({ driverId: "courier", ...at, product: "parcel_large", products: ["parcel_large", "parcel_small"], reportedAt: now });
    await cell.upsert({ driverId: "sedan", ...at, product: "standard", reportedAt: now });
    const found = async (product: "standard" | "parcel_small" | "parcel_large" | "van") =>
      (await cell.nearby(at, 5000, product, now - 1000)).map((e) => e.driverId).sort();
    expect(await found("parcel_small")).toEqual(["courier"]);
    expect(await found("parcel_large")).toEqual(["courier"]);
    expect(await found("standard")).toEqual(["sedan"]);
    expect(await found("van")).toEqual([]);
    // A new vehicle replaces what the driver served.
    await cell.upsert({ driverId: "courier", ...at, product: "parcel_small", products: ["parcel_small"], reportedAt: now + 1 });
    expect(await found("parcel_large")).toEqual([]);
    await cell.remove("courier");
    expect(await found("parcel_small")).toEqual([]);
  });

  it("a courier appearing ends the no-supply window of every product they serve", async () => {
    const cell = cellStub(testEnv, uniqueId("cell"));
    const until = Date.now() + 60_000;
    await cell.markNoSupply("parcel_small", until);
    await cell.markNoSupply("standard", until);
    await cell.upsert({ driverId: "courier", ...at, product: "parcel_large", products: ["parcel_large", "parcel_small"], reportedAt: Date.now() });
    expect(await cell.noSupplyUntil("parcel_small")).toBeNull();
    expect(await cell.noSupplyUntil("standard")).toBe(until);
  });
});
