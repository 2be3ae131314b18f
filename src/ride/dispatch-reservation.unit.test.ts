/** What a dispatch round reserves a driver with: the ride's product, and an offer's time counted from its reservation. */
import { describe, expect, it } from "vitest";
import { readConfig } from "../config";
import { geohash } from "../domain/geo";
import type { Reservation, RideRecord } from "../domain/ride-machine";
import { CELL_PRECISION, dispatchRound, type CellEntryLike, type DispatchPeers } from "./dispatch";

const pickup = { lat: 37.5, lng: 127 };
const north = (id: string, m: number): CellEntryLike => ({ driverId: id, lat: pickup.lat + m / 111_320, lng: pickup.lng });

/** An in-memory stand-in for the DispatchCell DOs. */
function index(entries: CellEntryLike[]) {
  const query = async (cells: string[]) => entries.filter((e) => cells.includes(geohash(e, CELL_PRECISION)));
  return { query };
}

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
      const peers: DispatchPeers = {
        supply: async (cells) => ({ listing: cells, waitingIn: [] }),
        query: async (cells: string[]) => ({ entries: await idx.query(cells), failed: false, waitingIn: [] }),
        reserve,
        reserving: () => undefined,
        release: async () => undefined,
        wait: async () => ({ listed: [], relisted: [], failed: false }),
        waitForSupply: async () => ({ listing: [], failed: false }),
      };
      await dispatchRound(
        { ...parcel, dispatchDeadlineAt: new Date().toISOString() } as unknown as RideRecord,
        readConfig({ DISPATCH_MODE: mode }),
        new Date(),
        peers,
      );
      const product = seen[0]!.kind === "offer" ? seen[0]!.offer.product : seen[0]!.product;
      expect(product, mode).toBe("parcel_small");
    }
  });

  it("an offer's time counts from its reservation: a slow first candidate (a hung Driver DO) does not shorten the next one's", async () => {
    const ride = {
      ride: { id: "rd_o", status: "dispatching", pickup, dropoff: pickup, product: "standard", quote: { amount: 1, currency: "KRW" } },
      excludedDriverIds: [],
      dispatchDeadlineAt: new Date(Date.now() + 60_000).toISOString(),
    } as unknown as RideRecord;
    const idx = index([north("hung", 100), north("next", 200)]);
    const start = Date.parse("2026-12-05T10:00:00.000Z");
    let clock = start;
    const offered: Reservation[] = [];
    const peers: DispatchPeers = {
      supply: async (cells) => ({ listing: cells, waitingIn: [] }),
      query: async (cells: string[]) => ({ entries: await idx.query(cells), failed: false, waitingIn: [] }),
      // The first Driver DO answers nothing for PEER_CALL_MS, twice over (10 s each): 20 s pass.
      reserve: async (id, r) => {
        offered.push(r);
        if (id === "hung") return ((clock += 20_000), null);
        return { id, name: "Kim", vehicle: { plate: "p", model: "m", product: "standard" }, location: pickup, locationAt: null } as never;
      },
      reserving: () => undefined,
      release: async () => undefined,
      wait: async () => ({ listed: [], relisted: [], failed: false }),
      waitForSupply: async () => ({ listing: [], failed: false }),
      clock: () => clock,
    };
    const round = await dispatchRound(ride, readConfig({ OFFER_TIMEOUT_S: "15" }), new Date(start), peers);
    const offer = round.commands.find((c) => c.type === "offerDriver");
    expect(offer).toMatchObject({ driverId: "next", expiresAt: new Date(start + 20_000 + 15_000).toISOString() });
    // The driver's own offer says the same.
    expect(offered[1]).toMatchObject({ kind: "offer", offer: { expiresAt: new Date(start + 35_000).toISOString() } });
  });

  it("a round that failed after a hung call searches again DISPATCH_RETRY_S after it ended, not at once (its start plus the pause, long past)", async () => {
    const ride = {
      ride: {
        id: "rd_h",
        status: "dispatching",
        pickup,
        dropoff: pickup,
        product: "standard",
        quote: { amount: 1, currency: "KRW" },
        createdAt: "2026-12-05T09:59:00.000Z",
      },
      excludedDriverIds: [],
      dispatchDeadlineAt: new Date(Date.now() + 60_000).toISOString(),
    } as unknown as RideRecord;
    const start = Date.parse("2026-12-05T10:00:00.000Z");
    let clock = start;
    const peers: DispatchPeers = {
      supply: async (cells) => ({ listing: cells, waitingIn: [] }),
      // A cell that answers nothing for PEER_CALL_MS: the round counts it failed.
      query: async () => ((clock += 10_000), { entries: [], failed: true, waitingIn: [] }),
      reserve: async () => null,
      reserving: () => undefined,
      release: async () => undefined,
      wait: async () => ({ listed: [], relisted: [], failed: false }),
      waitForSupply: async () => ({ listing: [], failed: false }),
      clock: () => clock,
    };
    const round = await dispatchRound(ride, readConfig({ DISPATCH_RETRY_S: "2" }), new Date(start), peers);
    expect(clock - start, "the hung calls took their time").toBeGreaterThanOrEqual(10_000);
    expect(round.retryAt).toBe(clock + 2_000);
  });
});
