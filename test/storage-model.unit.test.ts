import { describe, expect, it } from "vitest";
import { firstFull, ownerLoad, RETENTION_DAYS, SEOUL_DAY, storage, STORAGE_LIMITS } from "../bench/support/storage-model.ts";
import { storageDelta } from "../bench/support/storage.ts";
import { LEDGER_WINDOW_DAYS as GATEWAY_LEDGER_WINDOW_DAYS, VIEWS_WINDOW_DAYS as GATEWAY_VIEWS_WINDOW_DAYS } from "../src/config";

describe("the storage model", () => {
  const loads = storage({ "D1 views": 10_000, "D1 ledger": 1_000, "D1 other": 1_000, "object RideDurableObject": 45_000 }, SEOUL_DAY);
  const named = (store: string) => loads.find((l) => l.store === store)!;

  it("a day holds the peak rate for its peak hours: 2.16 million rides at Seoul's", () => {
    expect(named("D1 views").bytesPerDay).toBe(10_000 * 100 * 3600 * 6);
  });

  it("a D1 database reaches half its 10 GB in (limit / 2) / bytes a day", () => {
    expect(STORAGE_LIMITS.d1DatabaseBytes).toBe(10e9);
    expect(named("D1 views").daysToHalf).toBeCloseTo(5e9 / 21.6e9);
    expect(named("D1 ledger").daysToHalf).toBeCloseTo(5e9 / 2.16e9);
    expect(named("D1 ledger").shareADay).toBeCloseTo(0.216);
  });

  it("an object class made anew each ride has no size limit in reach, only a sum that grows", () => {
    expect(named("object RideDurableObject")).toMatchObject({ bytesPerDay: 45_000 * 2.16e6, daysToHalf: Infinity, shareADay: 0 });
  });

  it("the views keep their window (30 days unless set): with a day of it, 1.2 KB a ride at Seoul's day is 2.6 GB held, under half for good", () => {
    expect(storage({ "D1 views": 1_200 }, SEOUL_DAY)[0]!.retentionDays).toBe(30);
    // The bench's copy of the gateway's default (its Node build cannot import src/config.ts at run time).
    expect(RETENTION_DAYS["D1 views"]).toBe(GATEWAY_VIEWS_WINDOW_DAYS);
    const [day] = storage({ "D1 views": 1_200 }, SEOUL_DAY, { ...RETENTION_DAYS, "D1 views": 1 });
    expect(day).toMatchObject({ retentionDays: 1, heldBytes: 1_200 * 2.16e6, daysToHalf: Infinity });
    expect(day!.ridesADayUnderHalf).toBeCloseTo(5e9 / 1_200);
  });

  it("the ledger keeps its window (30 days unless set): with a day of it, 0.9 KB a ride at Seoul's day is 1.9 GB held, under half for good", () => {
    expect(RETENTION_DAYS["D1 ledger"]).toBe(GATEWAY_LEDGER_WINDOW_DAYS);
    expect(named("D1 ledger").retentionDays).toBe(30);
    const [day] = storage({ "D1 ledger": 900 }, SEOUL_DAY, { ...RETENTION_DAYS, "D1 ledger": 1 });
    expect(day).toMatchObject({ retentionDays: 1, heldBytes: 900 * 2.16e6, daysToHalf: Infinity });
    expect(day!.ridesADayUnderHalf).toBeCloseTo(5e9 / 900);
  });

  it("an owner's object holds half of one object's 10 GB at 5 GB / bytes a ride", () => {
    expect(ownerLoad(2_000)).toEqual({ bytesPerRide: 2_000, ridesToHalf: 2_500_000 });
    expect(ownerLoad(0).ridesToHalf).toBe(Infinity);
  });

  it("a database that keeps a window holds its days' worth: half the limit only when the window is larger than that", () => {
    // The delivery log keeps 30 days: at 216,000 rides a day (a tenth of Seoul's), 100 bytes a ride is 0.65 GB held;
    // at Seoul's 2.16 million, 1,000 bytes a ride reaches half the limit in 2.3 days, long before the window is full.
    const [small] = storage({ "D1 notifications": 100 }, { ...SEOUL_DAY, ridesPerS: 10 });
    expect(small).toMatchObject({ retentionDays: 30, heldBytes: 100 * 216_000 * 30, daysToHalf: Infinity });
    expect(small!.ridesADayUnderHalf).toBeCloseTo(5e9 / (100 * 30));
    const [large] = storage({ "D1 notifications": 1_000 }, SEOUL_DAY);
    expect(large!.daysToHalf).toBeCloseTo(5e9 / 2.16e9);
    // All history (a store with no window): whatever the rate it gets there, so no rate is under half for good.
    expect(named("D1 other")).toMatchObject({ retentionDays: Infinity, heldBytes: Infinity, ridesADayUnderHalf: 0 });
  });

  it("names the D1 database that fills first, and none when no database grows", () => {
    expect(firstFull(loads)?.store).toBe("D1 views");
    expect(firstFull(storage({ "object RideDurableObject": 1 }, SEOUL_DAY))).toBeUndefined();
    // Every database keeping a window it holds under half: none fills.
    const windows = { "D1 views": 1, "D1 ledger": 1, "D1 notifications": 1 };
    expect(firstFull(storage({ "D1 views": 1_229, "D1 ledger": 717, "D1 notifications": 1_741 }, SEOUL_DAY, windows))).toBeUndefined();
    expect(storage({ "D1 views": 0 }, SEOUL_DAY)[0]!.daysToHalf).toBe(Infinity);
  });
});

describe("what rides left between two readings", () => {
  it("is per ride, by store and part, with the bytes in use beside the pages, object file counts left out and unchanged parts dropped", () => {
    const before = {
      "D1 views": { rides: 4096, "rides (in use)": 3000, drivers: 4096, "drivers (in use)": 100 },
      "object RideDurableObject": { all: 0, files: 0 },
    };
    const after = {
      "D1 views": { rides: 12288, "rides (in use)": 7000, drivers: 4096, "drivers (in use)": 300, ride_events: 8192, "ride_events (in use)": 8000 },
      "object RideDurableObject": { all: 90_000, files: 2 },
    };
    expect(storageDelta(before, after, 2)).toEqual({
      rows: [
        { store: "D1 views", part: "drivers", bytes: 0, inUse: 100 },
        { store: "D1 views", part: "ride_events", bytes: 4096, inUse: 4000 },
        { store: "D1 views", part: "rides", bytes: 4096, inUse: 2000 },
        { store: "object RideDurableObject", part: "all", bytes: 45_000 },
      ],
      byStore: { "D1 views": 8192, "object RideDurableObject": 45_000 },
    });
  });
});
