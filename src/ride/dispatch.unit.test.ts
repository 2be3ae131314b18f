import { describe, expect, it } from "vitest";
import { readConfig } from "../config";
import { cellsCovering, geohash } from "../domain/geo";
import type { RideRecord } from "../domain/ride-machine";
import { CELL_PRECISION, candidates, dispatchRound, rankCandidates, type CellEntryLike, type DispatchPeers, type Waiter } from "./dispatch";

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

/**
 * Peers over an in-memory index, as the DispatchDistrict and DispatchCell answer: the
 * district says which cells list anyone and registers the ride when none do; a searched
 * cell that lists nobody registers the ride in the same call. `reservable` drivers can
 * be had; `listedLater` appear in the cells only after the search; `failing` cells
 * answer nothing; `districtDown` districts answer nothing (every cell is searched).
 */
function peersOver(
  entries: CellEntryLike[],
  reservable: string[],
  opts: { failing?: boolean; listedLater?: CellEntryLike[]; districtDown?: boolean; relisted?: string[] } = {},
) {
  const idx = index(entries);
  const waits: { cells: string[]; waiter: Waiter }[] = [];
  const registered = new Map<string, Waiter>();
  const withDistrict = new Map<string, Waiter>();
  const supplyCalls: string[][] = [];
  const reserved: string[] = [];
  /** Reservations and what was written ahead of them, in the order they happened. */
  const log: string[] = [];
  const cellOf = (e: CellEntryLike) => geohash(e, CELL_PRECISION);
  const listingOf = (cells: string[], all: CellEntryLike[]) => cells.filter((c) => all.some((e) => cellOf(e) === c));
  const peers: DispatchPeers = {
    supply: async (cells, waiter) => {
      supplyCalls.push(cells);
      if (opts.districtDown) return { listing: cells, waitingIn: [] };
      const listing = listingOf(cells, entries);
      if (listing.length > 0) return { listing, waitingIn: [] };
      for (const cell of cells) withDistrict.set(cell, waiter);
      return { listing, waitingIn: cells };
    },
    query: async (cells, waiter) => {
      const found = await idx.query(cells);
      const waitingIn = opts.failing ? [] : cells.filter((c) => !found.some((e) => cellOf(e) === c));
      for (const cell of waitingIn) registered.set(cell, waiter);
      return { entries: found, failed: !!opts.failing, waitingIn };
    },
    reserving: (driverId) => void log.push(`ahead ${driverId ?? "none"}`),
    release: async (driverId) => void log.push(`release ${driverId}`),
    reserve: async (driverId) => {
      reserved.push(driverId);
      log.push(`reserve ${driverId}`);
      return reservable.includes(driverId) ? ({ id: driverId, name: driverId, vehicle: {}, location: pickup } as never) : null;
    },
    wait: async (cells, waiter) => {
      waits.push({ cells, waiter });
      for (const cell of cells) registered.set(cell, waiter);
      const all = [...entries, ...(opts.listedLater ?? [])];
      const listed = all.filter((e) => cells.includes(cellOf(e))).map((e) => e.driverId);
      return { listed, relisted: listed.filter((id) => opts.relisted?.includes(id)), failed: false };
    },
    waitForSupply: async (cells, waiter) => {
      for (const cell of cells) withDistrict.set(cell, waiter);
      return { listing: listingOf(cells, [...entries, ...(opts.listedLater ?? [])]), failed: false };
    },
  };
  return { peers, waits, registered, withDistrict, supplyCalls, reserved, log, asked: idx.asked };
}

describe("a dispatch round that finds nobody waits instead of polling", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const deadline = "2026-12-01T10:01:00Z";
  const waiting = {
    // Requested 30 s before this round (its first offer declined, say): its place in line is its request.
    ride: { id: "rd_w", status: "requested", pickup, dropoff: pickup, product: "standard", quote: {}, createdAt: "2026-12-01T09:59:30Z" },
    excludedDriverIds: ["dX"],
    dispatchDeadlineAt: deadline,
  } as unknown as RideRecord;
  const config = readConfig({ DISPATCH_RETRY_S: "2" });
  const radiusCells = () => cellsCovering(pickup, config.searchRadiusM, CELL_PRECISION).sort();
  const waiter = {
    rideId: "rd_w",
    product: "standard",
    pickup,
    radiusM: config.searchRadiusM,
    until: Date.parse(deadline),
    since: Date.parse("2026-12-01T09:59:30Z"),
  };

  it("waits on every cell of its search radius until its deadline, in line from its request: in the cells it searched, with the district for the others; and sets no retry", async () => {
    const { peers, registered, withDistrict } = peersOver([north("busy", 200)], []);
    const round = await dispatchRound(waiting, config, now, peers);
    expect(round).toEqual({ commands: [{ type: "startDispatch" }], driverId: null, retryAt: null });
    const busyCell = geohash(north("busy", 200), CELL_PRECISION);
    expect([...registered.keys()]).toEqual([busyCell]);
    expect([...withDistrict.keys()].sort()).toEqual(radiusCells().filter((c) => c !== busyCell));
    expect(radiusCells().length).toBeGreaterThanOrEqual(4);
    for (const w of [...registered.values(), ...withDistrict.values()]) expect(w).toEqual(waiter);
  });

  it("far from every driver, asks its district once, is registered there in the same call, and searches no cell", async () => {
    const empty = peersOver([], []);
    const round = await dispatchRound(waiting, config, now, empty.peers);
    expect(round.retryAt).toBeNull();
    expect(empty.supplyCalls).toEqual([radiusCells()]);
    expect(empty.asked).toHaveLength(0);
    expect(empty.waits).toHaveLength(0);
    expect([...empty.withDistrict.keys()].sort()).toEqual(radiusCells());
  });

  it("searches only the cells its district lists; one more call only for the cells that listed drivers it could not have", async () => {
    const busy = peersOver([north("busy", 200)], []);
    await dispatchRound(waiting, config, now, busy.peers);
    const busyCell = geohash(north("busy", 200), CELL_PRECISION);
    expect(busy.asked.flat()).toEqual([busyCell]);
    expect(busy.waits.map((w) => w.cells)).toEqual([[busyCell]]);
  });

  it("with its district down, searches every cell and waits in each, as before districts", async () => {
    const down = peersOver([], [], { districtDown: true });
    const round = await dispatchRound(waiting, config, now, down.peers);
    expect(round.retryAt).toBeNull();
    expect(down.asked.flat().sort()).toEqual(radiusCells());
    expect([...down.registered.keys()].sort()).toEqual(radiusCells());
    expect(down.withDistrict.size).toBe(0);
  });

  it("searches again after DISPATCH_RETRY_S when a cell it did not search started listing between its question and its registration", async () => {
    const { peers } = peersOver([north("busy", 100)], [], { listedLater: [north("late", 4000)] });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
  });

  it("makes no extra call when a driver was reserved, and is not registered where that driver is listed", async () => {
    const { peers, waits, registered } = peersOver([north("busy", 100), north("free", 300)], ["free"]);
    const round = await dispatchRound(waiting, config, now, peers);
    expect(round.driverId).toBe("free");
    expect(round.retryAt).toBeNull();
    expect(waits).toHaveLength(0);
    expect(registered.has(geohash(north("free", 300), CELL_PRECISION))).toBe(false);
  });

  it("searches again after DISPATCH_RETRY_S when a driver it did not try was listed between its search and its registration", async () => {
    const { peers } = peersOver([north("busy", 100)], [], { listedLater: [north("late", 400)] });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
  });

  it("searches again after DISPATCH_RETRY_S when a driver it tried (busy then) was listed anew since the round began: freed before its registration", async () => {
    const { peers } = peersOver([north("busy", 100)], [], { relisted: ["busy"] });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
    const declined = peersOver([north("dX", 100)], [], { relisted: ["dX"] });
    expect((await dispatchRound(waiting, config, now, declined.peers)).retryAt, "not one who declined this ride").toBeNull();
  });

  it("does not search again for drivers it tried or excluded (they are listed but cannot be had)", async () => {
    const { peers } = peersOver([north("busy", 100)], [], { listedLater: [north("dX", 300)] });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeNull();
  });

  it("searches again after DISPATCH_RETRY_S when a driver's reservation could not be asked (the driver may be free, and listed already)", async () => {
    const { peers } = peersOver([north("unreachable", 100)], []);
    peers.reserve = async () => "unavailable";
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
  });

  it("searches again after DISPATCH_RETRY_S when a cell could not be asked", async () => {
    // The district lists the cell; the cell does not answer.
    const { peers } = peersOver([north("busy", 100)], [], { failing: true });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
  });

  it("searches again after DISPATCH_RETRY_S when a district could not register it", async () => {
    const { peers } = peersOver([north("busy", 100)], []);
    peers.waitForSupply = async () => ({ listing: [], failed: true });
    expect((await dispatchRound(waiting, config, now, peers)).retryAt).toBeCloseTo(now.getTime() + 2000, -3); // its end (a moment after `now`) plus the pause
  });
});

describe("a round writes its reservation ahead (an instance dying between the reservation and its commit)", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const config = readConfig({ DISPATCH_MODE: "auto" });
  const dispatching = {
    ride: { id: "rd_a", status: "dispatching", pickup, dropoff: pickup, product: "standard", quote: {} },
    excludedDriverIds: [],
    dispatchDeadlineAt: "2026-12-01T10:01:00Z",
  } as unknown as RideRecord;

  it("writes each driver ahead before the reservation leaves; the next one replaces a refusal", async () => {
    const { peers, log } = peersOver([north("refuses", 100), north("takes", 300)], ["takes"]);
    const round = await dispatchRound(dispatching, config, now, peers);
    expect(round.driverId).toBe("takes");
    expect(log).toEqual(["ahead refuses", "reserve refuses", "ahead takes", "reserve takes"]);
  });

  it("forgets the write-ahead once when every driver refused", async () => {
    const { peers, log } = peersOver([north("first", 100), north("second", 300)], []);
    const round = await dispatchRound(dispatching, config, now, peers);
    expect(round.driverId).toBeNull();
    expect(log).toEqual(["ahead first", "reserve first", "ahead second", "reserve second", "ahead none"]);
  });

  it("writes nothing ahead when nobody could be asked", async () => {
    const { peers, log } = peersOver([], []);
    const round = await dispatchRound(dispatching, config, now, peers);
    expect(round.driverId).toBeNull();
    expect(log).toEqual([]);
  });

  it("forgets a driver an earlier round left there whom this round may not ask (they declined this ride)", async () => {
    const { peers, log } = peersOver([], []);
    const round = await dispatchRound({ ...dispatching, reserving: "declined", excludedDriverIds: ["declined"] }, config, now, peers);
    expect(round.driverId).toBeNull();
    expect(log).toEqual(["ahead none"]);
  });

  it("takes first the driver an earlier round reserved and never committed (they hold the ride), before any search", async () => {
    const { peers, log, asked, supplyCalls } = peersOver([north("near", 100)], ["near", "held"]);
    const round = await dispatchRound({ ...dispatching, reserving: "held" }, config, now, peers);
    expect(round.driverId).toBe("held");
    expect(round.commands.map((c) => c.type)).toEqual(["assignDriver"]);
    expect(log).toEqual(["ahead held", "reserve held"]);
    expect(asked).toHaveLength(0);
    expect(supplyCalls).toHaveLength(0);
  });

  it("searches as usual when that driver cannot be had (let go for this ride: they may hold its offer, gone silent since), and does not ask them twice", async () => {
    const { peers, log } = peersOver([north("near", 100), north("gone", 200)], ["near"]);
    const round = await dispatchRound({ ...dispatching, reserving: "gone" }, config, now, peers);
    expect(round.driverId).toBe("near");
    expect(log).toEqual(["ahead gone", "reserve gone", "release gone", "ahead near", "reserve near"]);
  });
});
