/**
 * The drivers the operators' feed holds in memory between snapshots: each driver's newest
 * marker (status by version, position by report time: `mergeDriver`), and the version at which
 * each went offline. Without that last, a driver's offline marker deleted them and a position
 * push sent before it (a lower version, overtaken on the way) put them back on every console
 * as available; and a driver whose offline publish was lost stayed there for as long as the
 * object lived. The OpsFeed Durable Object only wires it.
 */
import { mergeDriver, mergeSnapshot, type DriverMarker } from "./feed";

/** Offline versions remembered; past it the memory starts over (a late push may then show a ghost until the next snapshot). */
export const OFFLINE_REMEMBERED = 50_000;

export class DriverBoard {
  private readonly onDuty = new Map<string, DriverMarker>();
  private readonly offlineAt = new Map<string, number>();

  /** Drivers on duty held in memory (what the push interval divides among). */
  get size(): number {
    return this.onDuty.size;
  }

  /**
   * Takes a marker (an event's, or a position push); answers the marker to send the watchers,
   * or null when nothing changed or it is older than the driver's going offline.
   *
   * @example
   * const changed = board.take(marker); if (changed) send(watchers, changed);
   */
  take(incoming: DriverMarker): DriverMarker | null {
    if (incoming.version <= (this.offlineAt.get(incoming.id) ?? -1)) return null;
    const merged = mergeDriver(this.onDuty.get(incoming.id), incoming);
    if (!merged) return null;
    if (merged.status === "offline") {
      this.onDuty.delete(merged.id);
      if (this.offlineAt.size >= OFFLINE_REMEMBERED) this.offlineAt.clear();
      this.offlineAt.set(merged.id, merged.version);
    } else {
      this.onDuty.set(merged.id, merged);
      this.offlineAt.delete(merged.id);
    }
    return merged;
  }

  /** The drivers only memory knows of, beside the views' drivers on duty: the ids a snapshot asks the views' versions of. */
  unknownTo(fromViews: readonly DriverMarker[]): string[] {
    const inViews = new Set(fromViews.map((d) => d.id));
    return [...this.onDuty.keys()].filter((id) => !inViews.has(id));
  }

  /**
   * The snapshot's drivers (`mergeSnapshot`). A driver only memory knows whom the views hold at
   * the same version or a newer one, not on duty, went offline without the feed hearing of it:
   * left out, and forgotten.
   *
   * @example
   * const versions = await viewVersions(db, board.unknownTo(fromViews));
   * board.snapshot(fromViews, versions);
   */
  snapshot(fromViews: DriverMarker[], viewVersions: ReadonlyMap<string, number>): DriverMarker[] {
    for (const id of this.unknownTo(fromViews)) {
      const memory = this.onDuty.get(id)!;
      const seen = viewVersions.get(id);
      if (seen !== undefined && seen >= memory.version) {
        this.onDuty.delete(id);
        this.offlineAt.set(id, seen);
      }
    }
    return mergeSnapshot(fromViews, this.onDuty);
  }
}
