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
  /** What the last snapshot cut (more markers than a frame carries): the map shows a part of them, not a total. */
  truncated: readonly ("rides" | "drivers")[];
  stats: readonly StatsSample[];
  /**
   * How many snapshots were heard: two come with each (re)connect (the feed's on accepting the
   * socket, and its answer to the subscription), usually in one fold. A page that shows rows the
   * socket may have missed news of while it was down (a ride that ended then is in no snapshot)
   * loads them again when it changes.
   */
  snapshots: number;
}

/** How many stats samples the sparklines keep (every 5 s: five minutes). */
export const STATS_SAMPLES = 60;
/** How many rides `seen` remembers, newest changes kept. */
export const SEEN_LIMIT = 1000;

export const EMPTY: LiveState = { rides: new Map(), drivers: new Map(), seen: new Map(), offline: new Map(), truncated: [], stats: [], snapshots: 0 };

export const isOpen = (status: string) => status !== "completed" && status !== "cancelled";

const KINDS: ReadonlySet<string> = new Set(["snapshot", "ride", "driver", "stats"]);

/** The maps of a state, copied once for a batch of messages and changed in place while it is folded. */
interface Draft {
  rides: Map<string, RideMarker>;
  drivers: Map<string, DriverMarker>;
  seen: Map<string, RideMarker>;
  offline: Map<string, DriverMarker>;
  truncated: readonly ("rides" | "drivers")[];
  stats: StatsSample[];
  snapshots: number;
}

/** Keeps `ride` as the newest marker of its ride, the newest SEEN_LIMIT rides. */
function remember(seen: Map<string, RideMarker>, ride: RideMarker): void {
  const known = seen.get(ride.id);
  if (known && known.version > ride.version) return;
  seen.delete(ride.id);
  seen.set(ride.id, ride);
  if (seen.size > SEEN_LIMIT) seen.delete(seen.keys().next().value as string);
}

function fold(d: Draft, message: LiveMessage): void {
  switch (message.type) {
    case "snapshot": {
      // An open ride heard of that a whole snapshot does not list ended (or left the views' window) while no frame said so (the
      // socket down): its last status is not known here, so it is forgotten, and a table shows the list's row of it, not an old one.
      if (!message.truncated?.includes("rides")) {
        const listed = new Set(message.rides.map((r) => r.id));
        for (const [id, known] of d.seen) if (isOpen(known.status) && !listed.has(id)) d.seen.delete(id);
      }
      for (const ride of message.rides) remember(d.seen, ride);
      d.rides = new Map(message.rides.filter((r) => isOpen(r.status)).map((r) => [r.id, r]));
      d.drivers = new Map(message.drivers.filter((r) => r.status !== "offline").map((r) => [r.id, r]));
      // Those the snapshot lists on duty are on duty now, whatever was heard of them before.
      for (const driver of d.drivers.values()) d.offline.delete(driver.id);
      d.truncated = message.truncated ?? [];
      d.snapshots += 1;
      return;
    }
    case "ride": {
      const ride = message.ride;
      const known = d.seen.get(ride.id) ?? d.rides.get(ride.id);
      // A late, older message never undoes a newer one.
      if (known && known.version > ride.version) return;
      if (isOpen(ride.status)) d.rides.set(ride.id, ride);
      else d.rides.delete(ride.id);
      remember(d.seen, ride);
      return;
    }
    case "driver": {
      const driver = message.driver;
      const known = d.drivers.get(driver.id) ?? d.offline.get(driver.id);
      if (known && known.updatedAt > driver.updatedAt) return;
      d.offline.delete(driver.id);
      if (driver.status === "offline") {
        d.drivers.delete(driver.id);
        d.offline.set(driver.id, driver);
        if (d.offline.size > SEEN_LIMIT) d.offline.delete(d.offline.keys().next().value as string);
      } else d.drivers.set(driver.id, driver);
      return;
    }
    case "stats":
      d.stats.push({ at: message.at, stats: message.stats });
      return;
  }
}

/**
 * The state after `messages` from the socket, in order; anything unknown is left out. The maps
 * are copied once for the batch, not once a message: at a city's peak a console hears some 200
 * driver frames a second, and a copy of 20,000 drivers for each one kept the page behind.
 *
 * @example
 * state = applyAll(state, buffered.splice(0));
 */
export function applyAll(state: LiveState, messages: readonly LiveMessage[]): LiveState {
  const known = messages.filter((m) => KINDS.has(m.type));
  if (known.length === 0) return state;
  const d: Draft = {
    rides: new Map(state.rides),
    drivers: new Map(state.drivers),
    seen: new Map(state.seen),
    offline: new Map(state.offline),
    truncated: state.truncated,
    stats: [...state.stats],
    snapshots: state.snapshots,
  };
  for (const message of known) fold(d, message);
  return { ...d, stats: d.stats.slice(-STATS_SAMPLES) };
}

/** The state after one message from the socket; anything unknown leaves it as it was. */
export function apply(state: LiveState, message: LiveMessage): LiveState {
  return applyAll(state, [message]);
}

/**
 * A driver's latest status as the socket told it (on the map, or gone offline since), for a
 * table row read from a list; undefined when the socket said nothing of them.
 *
 * @example
 * const status = liveDriverStatus(state, "d_1") ?? row.status;
 */
export const liveDriverStatus = (state: LiveState, driverId: string) => (state.drivers.get(driverId) ?? state.offline.get(driverId))?.status;

/** Parses one text frame; null for anything that is not a message the console knows (`pong` included). */
export function parseMessage(text: string): LiveMessage | null {
  if (!text.startsWith("{")) return null;
  try {
    const value = JSON.parse(text) as { type?: unknown };
    return typeof value.type === "string" && KINDS.has(value.type) ? (value as LiveMessage) : null;
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
 * come first, newest first; none while the list is not loaded (`loaded` null: failed, or on its
 * way), which would show every ride heard of as the list. The table's status filter applies to the result.
 */
export function mergeRides(
  loaded: readonly RideRow[] | null,
  seen: ReadonlyMap<string, RideMarker>,
  options: { status?: string; firstPage: boolean },
): RideRow[] {
  const rows = loaded ?? [];
  const shown = new Set(rows.map((r) => r.id));
  const updated = rows.map((row) => {
    const m = seen.get(row.id);
    return m && m.version > row.version ? { ...row, status: m.status, driverId: m.driverId, updatedAt: m.updatedAt, version: m.version } : row;
  });
  const since = rows[0]?.createdAt ?? "";
  const fresh =
    options.firstPage && loaded
      ? [...seen.values()]
          .filter((m) => !shown.has(m.id) && m.createdAt >= since)
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
      : [];
  const all = [...fresh.map(rowOf), ...updated];
  return options.status ? all.filter((r) => r.status === options.status) : all;
}
