/**
 * The console's live picture of the city, folded from the ops socket's messages (pure: no DOM,
 * no socket, unit-tested in Node). Open rides and drivers not offline are what the map draws;
 * `seen` keeps the latest marker of every ride heard of (including its last, completed or
 * cancelled, change) so the tables and the ride page can update rows they already show.
 */
import type { DriverMarker, LiveMessage, Ride, RideMarker, Stats } from "./types";

export interface StatsSample {
  at: string;
  stats: Stats;
}

export interface LiveState {
  rides: ReadonlyMap<string, RideMarker>;
  drivers: ReadonlyMap<string, DriverMarker>;
  seen: ReadonlyMap<string, RideMarker>;
  /** The latest marker of drivers heard going offline (off the map), so a table showing them says so; the newest SEEN_LIMIT. */
  offline: ReadonlyMap<string, DriverMarker>;
  stats: readonly StatsSample[];
}

/** How many stats samples the sparklines keep (every 5 s: five minutes). */
export const STATS_SAMPLES = 60;
/** How many rides `seen` remembers, newest changes kept. */
export const SEEN_LIMIT = 1000;

export const EMPTY: LiveState = { rides: new Map(), drivers: new Map(), seen: new Map(), offline: new Map(), stats: [] };

export const isOpen = (status: string) => status !== "completed" && status !== "cancelled";

function remember(seen: ReadonlyMap<string, RideMarker>, ride: RideMarker): ReadonlyMap<string, RideMarker> {
  const known = seen.get(ride.id);
  if (known && known.version > ride.version) return seen;
  const next = new Map(seen);
  next.delete(ride.id);
  next.set(ride.id, ride);
  if (next.size > SEEN_LIMIT) next.delete(next.keys().next().value as string);
  return next;
}

function withRide(state: LiveState, ride: RideMarker): LiveState {
  const known = state.seen.get(ride.id) ?? state.rides.get(ride.id);
  // A late, older message never undoes a newer one.
  if (known && known.version > ride.version) return state;
  const rides = new Map(state.rides);
  if (isOpen(ride.status)) rides.set(ride.id, ride);
  else rides.delete(ride.id);
  return { ...state, rides, seen: remember(state.seen, ride) };
}

function withDriver(state: LiveState, driver: DriverMarker): LiveState {
  const known = state.drivers.get(driver.id) ?? state.offline.get(driver.id);
  if (known && known.updatedAt > driver.updatedAt) return state;
  const drivers = new Map(state.drivers);
  const offline = new Map(state.offline);
  offline.delete(driver.id);
  if (driver.status === "offline") {
    drivers.delete(driver.id);
    offline.set(driver.id, driver);
    if (offline.size > SEEN_LIMIT) offline.delete(offline.keys().next().value as string);
  } else drivers.set(driver.id, driver);
  return { ...state, drivers, offline };
}

/**
 * A driver's latest status as the socket told it (on the map, or gone offline since), for a
 * table row read from a list; undefined when the socket said nothing of them.
 *
 * @example
 * const status = liveDriverStatus(state, "d_1") ?? row.status;
 */
export const liveDriverStatus = (state: LiveState, driverId: string) => (state.drivers.get(driverId) ?? state.offline.get(driverId))?.status;

/** The state after one message from the socket; anything unknown leaves it as it was. */
export function apply(state: LiveState, message: LiveMessage): LiveState {
  switch (message.type) {
    case "snapshot": {
      let seen = state.seen;
      for (const ride of message.rides) seen = remember(seen, ride);
      return {
        ...state,
        rides: new Map(message.rides.filter((r) => isOpen(r.status)).map((r) => [r.id, r])),
        drivers: new Map(message.drivers.filter((d) => d.status !== "offline").map((d) => [d.id, d])),
        // Those the snapshot lists are on duty now, whatever was heard of them before.
        offline: new Map([...state.offline].filter(([id]) => !message.drivers.some((d) => d.id === id))),
        seen,
      };
    }
    case "ride":
      return withRide(state, message.ride);
    case "driver":
      return withDriver(state, message.driver);
    case "stats":
      return { ...state, stats: [...state.stats, { at: message.at, stats: message.stats }].slice(-STATS_SAMPLES) };
    default:
      return state;
  }
}

/** Parses one text frame; null for anything that is not a message the console knows (`pong` included). */
export function parseMessage(text: string): LiveMessage | null {
  if (!text.startsWith("{")) return null;
  try {
    const value = JSON.parse(text) as { type?: unknown };
    return value.type === "snapshot" || value.type === "ride" || value.type === "driver" || value.type === "stats" ? (value as LiveMessage) : null;
  } catch {
    return null;
  }
}

/** A row of the rides table: what both a Ride from the API and a ride marker from the socket tell. */
export interface RideRow {
  id: string;
  status: string;
  product: string;
  riderId: string;
  driverId: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const rowOf = (r: RideMarker | Ride): RideRow => ({
  id: r.id,
  status: r.status,
  product: r.product,
  riderId: r.riderId,
  driverId: "driver" in r ? (r.driver?.id ?? null) : r.driverId,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  version: r.version,
});

/**
 * The rows of a rides table after live changes: a row takes a newer marker's status and driver,
 * and, on the first page, rides created since the newest row that the table does not show yet
 * come first, newest first. The table's status filter applies to the result.
 */
export function mergeRides(rows: readonly RideRow[], seen: ReadonlyMap<string, RideMarker>, options: { status?: string; firstPage: boolean }): RideRow[] {
  const shown = new Set(rows.map((r) => r.id));
  const updated = rows.map((row) => {
    const m = seen.get(row.id);
    return m && m.version > row.version ? { ...row, status: m.status, driverId: m.driverId, updatedAt: m.updatedAt, version: m.version } : row;
  });
  const since = rows[0]?.createdAt ?? "";
  const fresh = options.firstPage
    ? [...seen.values()]
        .filter((m) => !shown.has(m.id) && m.createdAt >= since)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    : [];
  const all = [...fresh.map(rowOf), ...updated];
  return options.status ? all.filter((r) => r.status === options.status) : all;
}
