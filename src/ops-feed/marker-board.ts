/**
 * What the operators' feed holds in memory of rides and drivers between snapshots: each one's
 * newest marker while it is on the map (a ride open, a driver on duty), and the version at
 * which it left it (a ride ended, a driver offline). Markers reach the feed by several ways
 * that are not ordered with each other (the views worker's publish after each batch, a
 * driver's position pushes, the snapshot's read of the views), so:
 * - a marker older than the one the feed has, or than the one that took it off the map, is
 *   dropped (a position push overtaken by the driver's going offline put them back on the map);
 * - a snapshot takes the newer of the views' row and memory (a change published while the
 *   snapshot read the views was dropped from the new socket's map);
 * - one only memory holds, whom the views hold at that version or newer and off the map (its
 *   leaving's publish lost), is left out and forgotten (else a ghost on every console for as long
 *   as the object lived); one the views hold on the map (past the snapshot's list, or written
 *   while the snapshot read it) stays.
 * The OpsFeed Durable Object only wires it.
 */

/**
 * The most markers a snapshot carries of each kind (the views' MAP_LIMIT): past it the console's map
 * is cut (the frame says so, `truncated`), never a frame of tens of MB (a WebSocket message is at most 32 MiB).
 */
export const SNAPSHOT_LIMIT = 5000;

/** Versions of what left the map remembered; past it the memory starts over (a late marker may then show once, until the next snapshot). */
export const GONE_REMEMBERED = 50_000;

export class MarkerBoard<M extends { id: string; version: number }> {
  private readonly onMap = new Map<string, M>();
  private readonly gone = new Map<string, number>();

  /**
   * @param shown whether a marker is on the map (a ride open, a driver not offline)
   * @param merge the marker after `incoming`, or null when it changes nothing
   */
  constructor(
    private readonly shown: (marker: M) => boolean,
    private readonly merge: (known: M | undefined, incoming: M) => M | null,
  ) {}

  /** How many are on the map in memory. */
  get size(): number {
    return this.onMap.size;
  }

  /**
   * Takes a marker; answers the one to send the watchers, or null when nothing changed or it is
   * older than what took it off the map.
   *
   * @example
   * const changed = board.take(marker); if (changed) send(watchers, changed);
   */
  take(incoming: M): M | null {
    if (incoming.version <= (this.gone.get(incoming.id) ?? -1)) return null;
    const merged = this.merge(this.onMap.get(incoming.id), incoming);
    if (!merged) return null;
    if (this.shown(merged)) {
      this.onMap.set(merged.id, merged);
      this.gone.delete(merged.id);
    } else this.leave(merged.id, merged.version);
    return merged;
  }

  /** The ones only memory holds on the map, beside the views' `fromViews`: the ids a snapshot asks the views' versions of. */
  unknownTo(fromViews: readonly M[], limit = SNAPSHOT_LIMIT): string[] {
    const inViews = new Set(fromViews.map((m) => m.id));
    const unknown: string[] = [];
    for (const id of this.onMap.keys()) {
      if (unknown.length >= limit) break;
      if (!inViews.has(id)) unknown.push(id);
    }
    return unknown;
  }

  /**
   * The snapshot: the views' markers, each the newer of its row and memory (none when memory
   * saw it leave at that version or later), and those only memory holds unless the views hold
   * them off the map at that version or newer (`viewStates`: they left unheard, and are forgotten).
   *
   * @example
   * board.snapshot(fromViews, await statesIn(db, "drivers", board.unknownTo(fromViews)));
   */
  snapshot(fromViews: readonly M[], viewStates: ReadonlyMap<string, { version: number; onMap: boolean }>, limit = SNAPSHOT_LIMIT): M[] {
    const out: M[] = [];
    for (const view of fromViews) {
      if (view.version <= (this.gone.get(view.id) ?? -1)) continue;
      const memory = this.onMap.get(view.id);
      out.push(memory ? (this.merge(view, memory) ?? view) : view);
    }
    // Only those the views were asked about (`unknownTo`, as many as a snapshot carries): one past them is not checked.
    for (const id of this.unknownTo(fromViews, limit)) {
      const memory = this.onMap.get(id)!;
      const seen = viewStates.get(id);
      if (seen && !seen.onMap && seen.version >= memory.version) this.leave(id, seen.version);
      else out.push(memory);
    }
    // One past the limit, so that the caller knows there were more (`snapshotFrame` cuts and says so).
    return out.filter(this.shown).slice(0, limit + 1);
  }

  private leave(id: string, version: number): void {
    this.onMap.delete(id);
    if (this.gone.size >= GONE_REMEMBERED) this.gone.clear();
    this.gone.set(id, version);
  }
}
