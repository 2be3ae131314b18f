/**
 * The views' window (src/views/window.ts) wired to the objects: the riders' and drivers'
 * objects that keep what it hands over, and the projection the repair sweep and the rebuild
 * use, which hands a ride past the window to them instead of writing it back into the views.
 */
import { driverStub, riderStub } from "../../src/durable-objects/stubs";
import { applyWrites, type ViewWrite } from "../../src/views/projection";
import { handOverWrites, type HistoryKeepers } from "../../src/views/window";
import { windowStart } from "../../src/views/window-rules";

/** What the repair sweep needs of the window besides `projectOrKeep`, from this one module. */
export { insideWindow, pastWindow, windowStart } from "../../src/views/window-rules";

/**
 * The rider's and the driver's objects.
 *
 * @example
 * await letGoOfHistory(env.VIEWS_DB, durableKeepers(env), windowStart(env), 2_000);
 */
export const durableKeepers = (env: Pick<Env, "RIDER" | "DRIVER">): HistoryKeepers => ({
  keepRides: (owner, id, rides) => (owner === "rider" ? riderStub(env, id).keepRides(rides) : driverStub(env, id).keepRides(rides)),
  keepEarnings: (driverId, rows) => driverStub(env, driverId).keepEarnings(rows),
});

/**
 * Projects the writes of the repair sweep or the rebuild; what is past the window goes to its owners.
 *
 * @example
 * await projectOrKeep(env, rideWrites(snapshot));
 */
export async function projectOrKeep(env: Env, writes: ViewWrite[]): Promise<void> {
  await applyWrites(env.VIEWS_DB, await handOverWrites(env.VIEWS_DB, durableKeepers(env), writes, windowStart(env)));
}
