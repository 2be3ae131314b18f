/**
 * The operators' live feed (GET /v1/ops/live), as pure rules: the markers the console
 * draws, the topics a socket chose, how a driver's fresh position and an event's
 * snapshot merge, and how often a driver pushes its position. The OpsFeed Durable
 * Object (src/durable-objects/ops-feed.ts) only wires these to sockets, RPCs and D1.
 * The protocol is the description of GET /v1/ops/live in /openapi.json.
 */
import type { Driver, DriverApproval, DriverStatus, ViewsMessage } from "../domain/events";
import type { LatLng, Product, Ride, RideStatus } from "../domain/types";
import { SNAPSHOT_LIMIT } from "./marker-board.ts";

export const TOPICS = ["rides", "drivers", "stats"] as const;
export type Topic = (typeof TOPICS)[number];
/** What a socket gets until it subscribes. */
export const DEFAULT_TOPICS: readonly Topic[] = ["rides", "drivers"];

/** A ride on the operators' map. */
export interface RideMarker {
  id: string;
  status: RideStatus;
  product: Product;
  riderId: string;
  driverId: string | null;
  pickup: LatLng;
  dropoff: LatLng;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A driver on the operators' map. `version` and `product` are additions to the shared protocol (ordering, legend). */
export interface DriverMarker {
  id: string;
  name: string;
  status: DriverStatus;
  approval: DriverApproval;
  product: Product;
  location: LatLng | null;
  locationAt: string | null;
  currentRideId: string | null;
  updatedAt: string;
  version: number;
}

/** What a client may send: `ping`, or a subscription. Anything else is null (ignored, never an error). */
export type ClientMessage = { type: "ping" } | { type: "subscribe"; topics: Topic[] };

const point = (p: LatLng): LatLng => ({ lat: p.lat, lng: p.lng });
const FINAL: ReadonlySet<RideStatus> = new Set(["completed", "cancelled"]);

/** A ride the map shows (not completed, not cancelled). */
export const isOpenRide = (status: RideStatus): boolean => !FINAL.has(status);

/**
 * The marker of a ride (the addresses, fare and payment stay out).
 *
 * @example
 * ws.send(JSON.stringify({ type: "ride", ride: rideMarker(ride) }));
 */
export function rideMarker(ride: Ride): RideMarker {
  return {
    id: ride.id,
    status: ride.status,
    product: ride.product,
    riderId: ride.riderId,
    driverId: ride.driver?.id ?? null,
    pickup: point(ride.pickup),
    dropoff: point(ride.dropoff),
    createdAt: ride.createdAt,
    updatedAt: ride.updatedAt,
    version: ride.version,
  };
}

/**
 * The marker of a driver (the vehicle's plate and the approval reason stay out).
 *
 * @example
 * driverMarker(driver).location; // { lat: 37.5, lng: 127 }
 */
export function driverMarker(driver: Driver): DriverMarker {
  return {
    id: driver.id,
    name: driver.name,
    status: driver.status,
    approval: driver.approval,
    product: driver.vehicle.product,
    location: driver.location ? point(driver.location) : null,
    locationAt: driver.locationAt,
    currentRideId: driver.currentRideId,
    updatedAt: driver.updatedAt,
    version: driver.version,
  };
}

/**
 * Reads a client's text frame. Unknown topics are dropped; a subscription to none is allowed (a quiet socket).
 *
 * @example
 * parseClientMessage('{"type":"subscribe","topics":["stats","x"]}'); // { type: "subscribe", topics: ["stats"] }
 */
export function parseClientMessage(text: string): ClientMessage | null {
  if (text === "ping") return { type: "ping" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { type, topics } = value as { type?: unknown; topics?: unknown };
  if (type !== "subscribe" || !Array.isArray(topics)) return null;
  return { type: "subscribe", topics: TOPICS.filter((t) => topics.includes(t)) };
}

/**
 * The topics a socket's attachment says it watches (a socket that never subscribed: the default).
 *
 * @example
 * topicsOf(ws.deserializeAttachment()); // ["rides", "drivers"]
 */
export function topicsOf(attachment: unknown): readonly Topic[] {
  const topics = (attachment as { topics?: unknown } | null)?.topics;
  return Array.isArray(topics) ? TOPICS.filter((t) => topics.includes(t)) : DEFAULT_TOPICS;
}

/** The header the gateway hands a console's `?topics=` to the feed in (the socket's request carries no query). */
export const TOPICS_HEADER = "x-live-topics";

/**
 * The topics a console names as it connects (`GET /v1/ops/live?topics=rides,drivers,stats`, any
 * subset, in any order): none named, the default; null when one is not a topic (the gateway
 * answers 400). Saves the subscription's second snapshot a console asking for stats made.
 *
 * @example
 * topicsParam("stats,rides"); // ["rides", "stats"]
 * topicsParam(undefined); // ["rides", "drivers"]
 */
export function topicsParam(value: string | null | undefined): readonly Topic[] | null {
  if (value === null || value === undefined) return DEFAULT_TOPICS;
  const named = value.split(",").filter((t) => t !== "");
  if (named.some((t) => !(TOPICS as readonly string[]).includes(t))) return null;
  return TOPICS.filter((t) => named.includes(t));
}

/**
 * Whether `topics` watch the map (rides or drivers): what the watch lease is kept for.
 *
 * @example
 * watchesMap(["stats"]); // false
 */
export function watchesMap(topics: readonly Topic[]): boolean {
  return mapTopicsOf(topics).length > 0;
}

/**
 * The map's topics among `topics` (what a snapshot frame carries; stats come in frames of their own).
 *
 * @example
 * mapTopicsOf(["rides", "stats"]); // ["rides"]
 */
export function mapTopicsOf(topics: readonly Topic[]): Topic[] {
  return topics.filter((t) => t !== "stats");
}

/**
 * `items` grouped by the map's topics each watches (`topicsOfItem`): one snapshot read for each group.
 *
 * @example
 * byMapTopics([a, b, c], (ws) => topicsOf(ws.deserializeAttachment())); // [[["rides", "drivers"], [a, c]], [["rides"], [b]]]
 */
export function byMapTopics<T>(items: readonly T[], topicsOfItem: (item: T) => readonly Topic[]): [Topic[], T[]][] {
  const groups = new Map<string, [Topic[], T[]]>();
  for (const item of items) {
    const topics = mapTopicsOf(topicsOfItem(item));
    const key = [...topics].sort().join(",");
    if (!groups.has(key)) groups.set(key, [topics, []]);
    groups.get(key)![1].push(item);
  }
  return [...groups.values()];
}

const newer = (a: string | null, b: string | null) => (a ?? "") > (b ?? "");

/**
 * What the feed knows of a driver after `incoming`: the status of the higher version,
 * the position of the later report. An event's snapshot (from the views) carries the
 * position of its time, older than the Driver DO's last push; a push may overtake a
 * status event still on its way through the queue. Answers null when nothing changed.
 *
 * @example
 * const merged = mergeDriver(known.get(id), marker);
 * if (merged) (known.set(id, merged), send(merged));
 */
export function mergeDriver(known: DriverMarker | undefined, incoming: DriverMarker): DriverMarker | null {
  if (!known) return incoming;
  const base = incoming.version >= known.version ? incoming : known;
  const placed = newer(incoming.locationAt, known.locationAt) ? incoming : known;
  const merged = { ...base, location: placed.location, locationAt: placed.locationAt };
  return JSON.stringify(merged) === JSON.stringify(known) ? null : merged;
}

/**
 * What the feed knows of a ride after `incoming`: the newer marker, or null when it is not newer.
 *
 * @example
 * newerRide(v4, v3); // null
 */
export const newerRide = (known: RideMarker | undefined, incoming: RideMarker): RideMarker | null =>
  known && known.version >= incoming.version ? null : incoming;

/**
 * Each version once, oldest first (a batch may carry several changes of one ride, and
 * a message delivered twice): the console sees every change, in order.
 *
 * @example
 * inVersionOrder([v3, v1, v3]); // [v1, v3]
 */
export function inVersionOrder<T extends { id: string; version: number }>(markers: T[]): T[] {
  const once = new Map(markers.map((m) => [`${m.id}@${m.version}`, m]));
  return [...once.values()].sort((a, b) => a.version - b.version);
}

/**
 * The markers of a batch of views messages, every change once and in order: what the
 * views worker publishes to the feed once it has written the batch.
 *
 * @example
 * const { rides, drivers } = markersOf(batch.messages.map((m) => m.body));
 */
export function markersOf(messages: readonly ViewsMessage[]): { rides: RideMarker[]; drivers: DriverMarker[] } {
  const rides: RideMarker[] = [];
  const drivers: DriverMarker[] = [];
  for (const m of messages) {
    if ((m?.kind === "ride.event" || m?.kind === "ride.events") && m.ride) rides.push(rideMarker(m.ride));
    else if (m?.kind === "driver.event" && m.driver) drivers.push(driverMarker(m.driver));
  }
  return { rides: inVersionOrder(rides), drivers: inVersionOrder(drivers) };
}

/**
 * The snapshot frame: only the subscribed topics' arrays are filled, each cut at SNAPSHOT_LIMIT;
 * `truncated` names those cut (more markers than that, or `viewsCut`: the views had more rows
 * than were read), absent when none was. The rest reach the console with their next change.
 *
 * @example
 * ws.send(snapshotFrame(["rides"], rides, drivers, new Date())); // drivers: []
 */
export function snapshotFrame(topics: readonly Topic[], rides: RideMarker[], drivers: DriverMarker[], now: Date, viewsCut: readonly Topic[] = []): string {
  const all = { rides: topics.includes("rides") ? rides : [], drivers: topics.includes("drivers") ? drivers : [] };
  const truncated = (["rides", "drivers"] as const).filter((t) => topics.includes(t) && (all[t].length > SNAPSHOT_LIMIT || viewsCut.includes(t)));
  const shown = { rides: all.rides.slice(0, SNAPSHOT_LIMIT), drivers: all.drivers.slice(0, SNAPSHOT_LIMIT) };
  return JSON.stringify({ type: "snapshot", at: now.toISOString(), ...shown, ...(truncated.length > 0 ? { truncated } : {}) });
}

/** While nobody watches drivers: a push now and then keeps the feed's positions warm for the next snapshot. */
export const UNWATCHED_PUSH_MS = 60_000;
/** While watched: every few seconds (the console's markers move at this pace)... */
export const WATCHED_PUSH_MS = 3_000;
/** ...but never more than this many pushes a second reach the one feed object, however many drivers there are. */
export const MAX_PUSHES_PER_S = 200;

/**
 * How long a driver waits before pushing its position again: long while no socket
 * watches drivers, short while watched, and in both cases growing with the drivers the
 * feed knows so that all of them together push at most `MAX_PUSHES_PER_S` (past 12,000
 * drivers the unwatched minute alone would not keep them under it).
 *
 * The feed's count lives in memory: a feed object started again knows nobody and answers
 * its first pushes the floor interval. The drivers' own schedules are spread over the old
 * interval, so the rate climbs back under the bound within one of them: at most about
 * twice the bound meanwhile (the pushes answered early come back while the rest arrive).
 *
 * @example
 * pushIntervalMs(0, 50); // 60000
 * pushIntervalMs(0, 70_000); // 350000
 * pushIntervalMs(1, 2000); // 10000
 */
export function pushIntervalMs(watchers: number, driversKnown: number): number {
  return Math.max(watchers > 0 ? WATCHED_PUSH_MS : UNWATCHED_PUSH_MS, Math.ceil((driversKnown / MAX_PUSHES_PER_S) * 1000));
}

/**
 * Whether a driver's location report should push its position to the feed now. An
 * offline driver is not on the map; a driver pushes again only once `nextAt` passed.
 *
 * @example
 * if (shouldPush(driver, Date.now(), this.nextAt)) push();
 */
export function shouldPush(driver: Pick<Driver, "status" | "location"> | null | undefined, now: number, nextAt: number): boolean {
  return !!driver && driver.status !== "offline" && driver.location !== null && now >= nextAt;
}
