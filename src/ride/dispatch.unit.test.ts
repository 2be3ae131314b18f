import { describe, expect, it } from "vitest";
import { readConfig } from "../config";
import { geohash } from "../domain/geo";
import type { Reservation, RideRecord } from "../domain/ride-machine";
import { CELL_PRECISION, candidates, dispatchRound, rankCandidates, type CellEntryLike } from "./dispatch";

const pickup = { lat: 37.5, lng: 127 };
const record = { ride: { pickup }, excludedDriverIds: ["dX"] } as unknown as RideRecord;
const north = (id: string, m: number): CellEntryLike => ({ driverId: id, lat: pickup.lat + m / 111_320, lng: pickup.lng });

/** An in-memory stand-in for the DispatchCell DOs, counting the cells asked. */
function index(entries: CellEntryLike[]) {
  const asked: string[][] = [];
  const query = async (cells: string[]) => {
    asked.push(cells);
    return entries.filter((e) => cells.includes(geohash(e, CELL_PRECISION)));
  };
  return { query, asked };
}

async function all(gen: AsyncGenerator<{ driverId: string }>) {
  const out: string[] = [];
  for await (const c of gen) out.push(c.driverId);
  return out;
}

describe("candidate ranking", () => {
  it("orders by ETA to the pickup, drops excluded drivers, duplicates and those beyond the radius", () => {
    const ranked = rankCandidates(
      [north("far", 3300), north("near", 110), north("dX", 0), north("near", 110), north("mid", 1100), north("out", 6000)],
      record,
      readConfig({}),
    );
    expect(ranked.map((c) => c.driverId)).toEqual(["near", "mid", "far"]);
    expect(ranked[0]!.etaSeconds).toBeLessThan(ranked[1]!.etaSeconds);
  });
});

describe("ring search", () => {
  it("stops at the inner ring when someone is close, without asking the outer cells", async () => {
    const idx = index([north("a", 300), north("b", 4000)]);
    const gen = candidates(idx.query, record, readConfig({}));
    const first = await gen.next();
    expect(first.value?.driverId).toBe("a");
    expect(idx.asked).toHaveLength(1);
  });

  it("widens to the search radius, keeping the exact ETA order across rings", async () => {
    const idx = index([north("x", 4500), north("y", 1400), north("z", 2000), north("w", -1600)]);
    expect(await all(candidates(idx.query, record, readConfig({})))).toEqual(["y", "w", "z", "x"]);
    expect(idx.asked).toHaveLength(2);
    expect(idx.asked.flat().length).toBe(new Set(idx.asked.flat()).size);
  });

  it("finds nobody beyond the radius", async () => {
    const idx = index([north("far", 7000)]);
    expect(await all(candidates(idx.query, record, readConfig({ SEARCH_RADIUS_M: "5000" })))).toEqual([]);
  });
});

describe("a dispatch round", () => {
  it("reserves with the ride's product, in offer and in auto mode, so the Driver DO can check the vehicle serves it", async () => {
    const parcel = {
      ride: { id: "rd_p", status: "dispatching", pickup, dropoff: pickup, product: "parcel_small", quote: { amount: 1, currency: "KRW" } },
      excludedDriverIds: [],
    };
    const idx = index([north("courier", 100)]);
    for (const mode of ["offer", "auto"]) {
      const seen: Reservation[] = [];
      const reserve = async (_id: string, r: Reservation) => (seen.push(r), null);
      await dispatchRound(parcel as unknown as RideRecord, readConfig({ DISPATCH_MODE: mode }), new Date(), idx.query, reserve);
      const product = seen[0]!.kind === "offer" ? seen[0]!.offer.product : seen[0]!.product;
      expect(product, mode).toBe("parcel_small");
    }
  });
});
