/**
 * The order of the rides pushed to a driver's sockets. A ride pushes each change to its
 * driver's object fire and forget, each call on a stub of its own, and calls on different
 * stubs are not ordered: a ride's cancel could reach the driver before its ETA change of a
 * moment earlier, and the app would show the older state last (a driver still heading to a
 * pickup that is gone). So a push older than one already sent is dropped. In memory: an object
 * started anew sends the next push it gets, as a new socket's first frame is the state anyway.
 */

/** Rides remembered; past it the memory starts over (a late push may then be sent once). */
export const PUSHES_REMEMBERED = 1_000;

export class PushOrder {
  private readonly newest = new Map<string, number>();

  /**
   * Takes a push of `ride`: false when a push of it at this version or a newer one came first.
   *
   * @example
   * if (!order.take(ride)) return 0; // older than what the driver has
   */
  take(ride: { id: string; version: number }): boolean {
    if ((this.newest.get(ride.id) ?? -1) >= ride.version) return false;
    if (this.newest.size >= PUSHES_REMEMBERED) this.newest.clear();
    this.newest.set(ride.id, ride.version);
    return true;
  }

  /**
   * Whether `ride` is still the newest push taken (one that waited on a release may have been passed).
   *
   * @example
   * if (order.isNewest(ride)) broadcast(ride);
   */
  isNewest(ride: { id: string; version: number }): boolean {
    return (this.newest.get(ride.id) ?? ride.version) === ride.version;
  }
}
