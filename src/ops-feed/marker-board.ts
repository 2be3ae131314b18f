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

/** Versions of what left the map remembered; past it the tenth that left longest ago is forgotten (a marker of one of them delivered later still may then show once, until the next snapshot). */
export const GONE_REMEMBERED = 50_000;

/** Full markers kept of each kind, those changed last: four snapshots' worth. */
export const MARKERS_REMEMBERED = 20_000;

/**
 * Deletes the oldest tenth of `bound` entries of `map` (insertion order), in one walk: one at a time, each walk from the oldest
 * steps over the holes the last deletions left at the front.
 */
function dropOldestTenth(map: Map<string, unknown>, bound: number): void {
  let drop = Math.max(1, Math.floor(bound / 10));
  for (const key of map.keys()) {
    if (drop-- === 0) break;
    map.delete(key);
  }
}

export class MarkerBoard<M extends { id: string; version: number }> {
  /** The markers changed last, oldest change first (a change moves its marker to the end). */
  private readonly onMap = new Map<string, M>();
  /** Every id on the map as far as memory knows, kept or let go, at its version: one let go whose leaving was lost stays counted. */
  private readonly onMapVersions = new Map<string, number>();
  private readonly gone = new Map<string, number>();

  private readonly shown: (marker: M) => boolean;
  private readonly merge: (known: M | undefined, incoming: M) => M | null;
  private readonly remembered: number;

  /**
   * Fields set by hand, not parameter properties: `node` runs this file as is (npm run bench:feed-memory).
   *
   * @param shown whether a marker is on the map (a ride open, a driver not offline)
   * @param merge the marker after `incoming`, or null when it changes nothing
   * @param remembered how many full markers memory keeps (those changed last)
   */
  constructor(shown: (marker: M) => boolean, merge: (known: M | undefined, incoming: M) => M | null, remembered = MARKERS_REMEMBERED) {
    this.shown = shown;
    this.merge = merge;
    this.remembered = remembered;
  }

  /** How many are on the map as far as memory knows (their full markers kept or not). */
  get size(): number {
    return this.onMapVersions.size;
  }

  /** How many full markers memory keeps. */
  get kept(): number {
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
    // One let go (not kept in full) cannot be merged: an older version is dropped, as a kept one's would be.
    if (!this.onMap.has(incoming.id) && incoming.version < (this.onMapVersions.get(incoming.id) ?? -1)) return null;
    const merged = this.merge(this.onMap.get(incoming.id), incoming);
    if (!merged) return null;
    if (this.shown(merged)) this.keep(merged);
    else this.leave(merged.id, merged.version);
    return merged;
  }

  /** Keeps `marker` as the one changed last; past `remembered`, those changed longest ago are let go (their ids stay counted). */
  private keep(marker: M): void {
    this.onMap.delete(marker.id);
    this.onMap.set(marker.id, marker);
    this.onMapVersions.set(marker.id, marker.version);
    this.gone.delete(marker.id);
    if (this.onMap.size > this.remembered) dropOldestTenth(this.onMap, this.remembered);
  }

  /**
   * The ones only memory holds on the map, beside the views' `fromViews`: the ids a snapshot asks
   * the views' versions of. Those kept in full first, then those let go, longest unchecked first:
   * only the views can tell whether one let go left the map unheard (else counted for ever).
   */
  unknownTo(fromViews: readonly M[], limit = SNAPSHOT_LIMIT): string[] {
    const inViews = new Set(fromViews.map((m) => m.id));
    const unknown: string[] = [];
    for (const id of this.onMap.keys()) {
      if (unknown.length >= limit) return unknown;
      if (!inViews.has(id)) unknown.push(id);
    }
    for (const id of this.onMapVersions.keys()) {
      if (unknown.length >= limit) break;
      if (!this.onMap.has(id) && !inViews.has(id)) unknown.push(id);
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
      const memory = this.onMap.get(id);
      const version = memory?.version ?? this.onMapVersions.get(id) ?? -1;
      if (this.leftUnheard(id, version, viewStates.get(id))) continue;
      if (memory) out.push(memory);
      else {
        // Let go and still on the map as far as anyone knows: checked again after all the others.
        this.onMapVersions.delete(id);
        this.onMapVersions.set(id, version);
      }
    }
    // One past the limit, so that the caller knows there were more (`snapshotFrame` cuts and says so).
    return out.filter(this.shown).slice(0, limit + 1);
  }

  /** Every id memory holds on the map, kept in full or let go: what a full check asks the views about (`forgetLeft`). */
  ids(): string[] {
    return [...this.onMapVersions.keys()];
  }

  /**
   * Forgets those of `checked` that left the map unheard: the views hold them off it at memory's
   * version or newer. The drivers' full check after a time no console watched, when nobody told
   * the feed of the changes (src/views/ops-watch.ts): else every driver on duty since would stay
   * counted, lengthening the push interval. Answers how many were forgotten.
   *
   * @example
   * const ids = board.ids().slice(0, 5000);
   * board.forgetLeft(ids, await statesIn(db, "drivers", ids));
   */
  forgetLeft(checked: readonly string[], viewStates: ReadonlyMap<string, { version: number; onMap: boolean }>): number {
    let forgotten = 0;
    for (const id of checked) {
      const version = this.onMapVersions.get(id);
      if (version !== undefined && this.leftUnheard(id, version, viewStates.get(id))) forgotten += 1;
    }
    return forgotten;
  }

  /**
   * Forgets every one on the map, keeping the versions of those that left: the rides' reset after
   * a time no console watched (a ride the views' window handed over meanwhile would else stay open
   * in memory; the views hold every open one, and the next snapshot reads them).
   *
   * @example
   * rides.forgetAll();
   */
  forgetAll(): void {
    this.onMap.clear();
    this.onMapVersions.clear();
  }

  /** Leaves the map when the views hold `id` off it at `version` or newer; answers whether it did. */
  private leftUnheard(id: string, version: number, seen: { version: number; onMap: boolean } | undefined): boolean {
    if (!seen || seen.onMap || seen.version < version) return false;
    this.leave(id, seen.version);
    return true;
  }

  private leave(id: string, version: number): void {
    this.onMap.delete(id);
    this.onMapVersions.delete(id);
    // Oldest leaving first: one leaving again moves to the end, and past the bound the tenth that left longest ago is forgotten
    // (clearing it all, as before, let any position push delivered late just after bring a driver back).
    this.gone.delete(id);
    if (this.gone.size >= GONE_REMEMBERED) dropOldestTenth(this.gone, GONE_REMEMBERED);
    this.gone.set(id, version);
  }
}
