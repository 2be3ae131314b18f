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
 * Of `markers`, those the views hold now, each at its row's version: a replayed dead letter is
 * often older than the row the sweep healed since (its write was refused by the version check),
 * and a ride past the views' window went to its owners, not to the views. The console hears
 * only what its lists show, and that a ride the views let go of ended.
 */
async function asTheViewsHoldThem(db: D1Database, markers: Markers): Promise<Markers> {
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
  const [heldRides, heldDrivers] = [held(rides?.results), held(drivers?.results)];
  // A ride ended whose row the views no longer hold went to its owners (the window, or the sweep
  // handing over a ride a late replay had brought back open): the feed hears it ended, so that a
  // marker it still has of the ride leaves the map. An ended ride is ended for good.
  const rideHeld = (r: RideMarker) => heldRides.get(r.id) === r.version || (!heldRides.has(r.id) && !isOpenRide(r.status));
  return { rides: markers.rides.filter(rideHeld), drivers: markers.drivers.filter((d) => heldDrivers.get(d.id) === d.version) };
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

  /** Publishes what was heard since the last `tell` and the views hold, in one call; never throws. */
  async tell(env: Pick<Env, "OPS_FEED" | "VIEWS_DB">, from: string): Promise<void> {
    const heard = { rides: inVersionOrder(this.rides), drivers: inVersionOrder(this.drivers) };
    this.rides = [];
    this.drivers = [];
    if (heard.rides.length + heard.drivers.length === 0) return;
    let held: Markers;
    try {
      held = await asTheViewsHoldThem(env.VIEWS_DB, heard);
    } catch (error) {
      return void console.warn(
        JSON.stringify({ msg: "ops feed publish failed", from, rides: heard.rides.length, drivers: heard.drivers.length, error: String(error) }),
      );
    }
    await publishMarkers(env, held, from);
  }
}
