/**
 * One newest-first page out of two: the views' rows of an owner and what the owner's object
 * keeps of the rows the views let go (./kept-history.ts). A row may stand in both for a
 * moment (kept, not yet deleted from the views; or written again to the views by a late
 * change, a refund, after it was kept), so a row is shown once, in its newest version.
 */

/** What orders a row in a list: newest first by `createdAt`, then by `id`. */
export interface ListKey {
  createdAt: string;
  id: string;
}

/** A row of either source, with the version that says which copy is newer (none: rows that never change). */
export interface Listed extends ListKey {
  version?: number;
}

/** True when `a` comes before `b` newest first. */
const newer = (a: ListKey, b: ListKey) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);

/**
 * Merges two newest-first lists, each read after the same cursor with `limit + 1` rows, into
 * one page of `limit` and whether more follow. Correct because a row past either list's
 * end comes after that list's `limit + 1`-th row, hence after at least `limit` others.
 *
 * @example
 * const { items, more } = mergeNewestFirst(viewRows, keptRows, 20);
 * const nextCursor = more ? encodeCursor(items[19].createdAt, items[19].id) : null;
 */
export function mergeNewestFirst<T extends Listed>(a: readonly T[], b: readonly T[], limit: number): { items: T[]; more: boolean } {
  const byId = new Map<string, T>();
  for (const row of [...a, ...b]) {
    const seen = byId.get(row.id);
    if (!seen || (row.version ?? 0) > (seen.version ?? 0)) byId.set(row.id, row);
  }
  const all = [...byId.values()].sort((x, y) => (newer(x, y) ? -1 : newer(y, x) ? 1 : 0));
  return { items: all.slice(0, limit), more: all.length > limit };
}

/**
 * Whether the views' own page is the whole answer: it is full (it read `limit + 1` rows) and
 * its last shown row is no older than anything an owner's object keeps (`keptBefore`, the
 * latest cut-off the views' window used; null when nothing was ever kept). Saves the call to
 * the owner's object on the first pages, the ones read most.
 *
 * @example
 * if (viewsAlone(rows, 20, keptBefore)) return page(rows);
 */
export function viewsAlone(rows: readonly ListKey[], limit: number, keptBefore: string | null): boolean {
  if (keptBefore === null) return true;
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined && last.createdAt >= keptBefore;
}
