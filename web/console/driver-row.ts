/** A row of the drivers table, from the list, a decision made on the page, and the live socket. */
import type { Driver, DriverStatus } from "./types";

/**
 * The driver as the table shows them: the decision made here while the list's row is older than
 * its answer (the views catch up a moment later), else the list's row (a later change, such as a
 * new vehicle sending them back to pending, is never hidden by a decision made before it); the
 * status as the socket last told it.
 *
 * @example
 * driverRow(listed, changed[listed.id], liveDriverStatus(state, listed.id));
 */
export function driverRow(listed: Driver, decided: Driver | undefined, liveStatus: DriverStatus | undefined): Driver {
  const own = decided && decided.version > listed.version ? decided : listed;
  return liveStatus ? { ...own, status: liveStatus } : own;
}
