/**
 * Telling the operators' feed what the views now hold. The views worker tells it once per
 * batch it wrote; the views' own healing (the repair sweep, the rebuild, a dead letter's
 * replay) writes rows no queue message carried, so it tells it too, once per run or page
 * (`FeedNews`): else a ride the sweep found ended would stay open on every console until its
 * next snapshot. Best effort: the views are written whatever the feed answers.
 */
import type { ViewsMessage } from "../domain/events";
import { opsFeedStub } from "./stubs";
import { within } from "../lib/timeout";
import type { ViewWrite } from "../views/projection";
import { driverMarker, inVersionOrder, isOpenRide, markersOf, rideMarker, type DriverMarker, type RideMarker } from "../ops-feed/feed";

/** The bound of one publish: the next batch (or the rest of a sweep) waits for it. */
export const PUBLISH_TIMEOUT_MS = 2_000;

/** What one publish carries: each change once, oldest first. */
export interface Markers {
  rides: RideMarker[];
  drivers: DriverMarker[];
}

/**
 * Publishes `markers` (already written to the views) to the feed in one call. Never throws:
 * a failure is one warning line, and a console catches up at its next snapshot.
 *
 * @example
 * await publishMarkers(env, markersOf(written), "views batch");
 */
export async function publishMarkers(env: Pick<Env, "OPS_FEED">, markers: Markers, from: string): Promise<void> {
  const { rides, drivers } = markers;
  if (rides.length + drivers.length === 0) return;
  try {
    await within(PUBLISH_TIMEOUT_MS, Promise.resolve(opsFeedStub(env).publish(rides, drivers)), "ops feed publish");
  } catch (error) {
    console.warn(JSON.stringify({ msg: "ops feed publish failed", from, rides: rides.length, drivers: drivers.length, error: String(error) }));
  }
}

/**
 * The markers of `messages`, each message on its own: one no marker can be made of (a snapshot
 * with no pickup) is skipped, never the rest; every change once, oldest first.
 *
 * @example
 * await publishMarkers(env, markersOfMessages(written), "views batch");
 */
export function markersOfMessages(messages: readonly ViewsMessage[]): Markers {
  const rides: RideMarker[] = [];
  const drivers: DriverMarker[] = [];
  for (const message of messages) {
    try {
      const one = markersOf([message]);
      rides.push(...one.rides);
      drivers.push(...one.drivers);
    } catch {
      // Not on the map: the lists still have what was written.
    }
  }
  return { rides: inVersionOrder(rides), drivers: inVersionOrder(drivers) };
}

/**
 * Of `markers`, those the views' rows do not supersede: a ride's or a driver's markers go out
 * unless the views hold a version newer than the newest of them. Such markers are late (a queue's
 * retry, a relay sent again after a restart, a replayed dead letter, often older than the row the
 * sweep healed since), and what superseded them reached the consoles by its own publish or their
 * snapshot: told, a ride long ended would stand open on every map until the next snapshot. A ride
 * the views no longer hold went to its owners (the window, or the sweep handing over a ride a late
 * replay had brought back open): only that it ended is told, so that a marker of it leaves the map.
 */
export function notSuperseded(markers: Markers, held: { rides: Map<string, number>; drivers: Map<string, number> }): Markers {
  const newestOf = (list: { id: string; version: number }[]) => {
    const newest = new Map<string, number>();
    for (const m of list) newest.set(m.id, Math.max(newest.get(m.id) ?? 0, m.version));
    return newest;
  };
  const [rideNewest, driverNewest] = [newestOf(markers.rides), newestOf(markers.drivers)];
  const rides = markers.rides.filter((r) => {
    const row = held.rides.get(r.id);
    return row === undefined ? !isOpenRide(r.status) : row <= (rideNewest.get(r.id) ?? 0);
  });
  const drivers = markers.drivers.filter((d) => {
    const row = held.drivers.get(d.id);
    return row !== undefined && row <= (driverNewest.get(d.id) ?? 0);
  });
  return { rides, drivers };
}

/** The versions the views hold of the markers' rides and drivers, in one D1 batch. */
async function heldVersions(db: D1Database, markers: Markers) {
  const ask = (table: "rides" | "drivers", ids: string[]) =>
    db.prepare(`SELECT id, version FROM ${table} WHERE id IN (SELECT value FROM json_each(?1))`).bind(JSON.stringify([...new Set(ids)]));
  const [rides, drivers] = await db.batch<{ id: string; version: number }>([
    ask(
      "rides",
      markers.rides.map((r) => r.id),
    ),
    ask(
      "drivers",
      markers.drivers.map((d) => d.id),
    ),
  ]);
  const held = (rows: { id: string; version: number }[] | undefined) => new Map((rows ?? []).map((r) => [r.id, r.version]));
  return { rides: held(rides?.results), drivers: held(drivers?.results) };
}

/**
 * Publishes what of `markers` the views' rows do not supersede (`notSuperseded`), in one call.
 * Never throws: a failure (the views' read, or the feed) is one warning line.
 *
 * @example
 * await publishUnsuperseded(env, markersOfMessages(written), "views batch");
 */
export async function publishUnsuperseded(env: Pick<Env, "OPS_FEED" | "VIEWS_DB">, markers: Markers, from: string): Promise<void> {
  if (markers.rides.length + markers.drivers.length === 0) return;
  let told: Markers;
  try {
    told = notSuperseded(markers, await heldVersions(env.VIEWS_DB, markers));
  } catch (error) {
    const { rides, drivers } = markers;
    return void console.warn(JSON.stringify({ msg: "ops feed publish failed", from, rides: rides.length, drivers: drivers.length, error: String(error) }));
  }
  await publishMarkers(env, told, from);
}

/**
 * What one run of the views' healing wrote of rides and drivers, told to the feed once at the
 * end (`tell`), in version order, as the views hold them then.
 *
 * @example
 * const news = new FeedNews();
 * try {
 *   await repairViews(repairDeps(env, news), options);
 * } finally {
 *   await news.tell(env, "views repair");
 * }
 */
export class FeedNews {
  private rides: RideMarker[] = [];
  private drivers: DriverMarker[] = [];

  /** Writes the sweep or the rebuild projected (a rental's and the rest carry no marker). Never throws. */
  heardWrites(writes: readonly ViewWrite[]): void {
    for (const w of writes) {
      try {
        if (w.kind === "ride") this.rides.push(rideMarker(w.ride));
        else if (w.kind === "driver") this.drivers.push(driverMarker(w.driver));
      } catch {
        // A snapshot no marker can be made of (no pickup): not on the map, the lists still have it.
      }
    }
  }

  /** Messages a replay projected. Never throws. */
  heardMessages(messages: readonly ViewsMessage[]): void {
    const { rides, drivers } = markersOfMessages(messages);
    this.rides.push(...rides);
    this.drivers.push(...drivers);
  }

  /** Publishes what was heard since the last `tell` and the views' rows do not supersede, in one call; never throws. */
  async tell(env: Pick<Env, "OPS_FEED" | "VIEWS_DB">, from: string): Promise<void> {
    const heard = { rides: inVersionOrder(this.rides), drivers: inVersionOrder(this.drivers) };
    this.rides = [];
    this.drivers = [];
    await publishUnsuperseded(env, heard, from);
  }
}
