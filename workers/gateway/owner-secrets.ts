/**
 * What only an item's owner may read and the views never hold in the clear (operators and
 * drivers read the views too): a parcel's handover code, a rental's unlock key. A list page
 * read from the views gets it from what `read` answers: for a parcel, the copy the views keep
 * sealed for its ride, else the ride's own object (own-lists.ts); for a rental, its object.
 * Only the items that can have it are read, all at once, each bounded.
 */
import { within } from "../../src/lib/timeout";

/**
 * How long a list waits for one item's object. A list is up to 100 items asked at once, so
 * without a bound one object that hangs (restarting, overloaded) would hold the whole page
 * for the runtime's own limit; with it the page is late by this much at most, and that item
 * is listed as the views have it.
 */
export const OWNER_SECRET_MS = 2_000;

/**
 * `items` with what `read` answers (null: nothing) merged into each one `needs` it. An item
 * whose object fails, or does not answer within `boundMs`, is listed as the views have it (a
 * rental's key reads null, as before it is issued): a list never fails or hangs for one
 * object, and the failure is logged.
 *
 * @example
 * await withOwnerSecrets(rides, (r) => Boolean(r.parcel), async (r) => ({ handoverCode: "4821" }));
 */
export function withOwnerSecrets<T extends { id: string }>(
  items: readonly T[],
  needs: (item: T) => boolean,
  read: (item: T) => Promise<Partial<T> | null>,
  boundMs = OWNER_SECRET_MS,
): Promise<T[]> {
  return Promise.all(
    items.map(async (item) => {
      if (!needs(item)) return item;
      const secret = await within(boundMs, read(item), `owner secret of ${item.id}`).catch((error: unknown) => {
        console.warn(JSON.stringify({ msg: "owner secret unread", id: item.id, error: String(error) }));
        return null;
      });
      return secret ? { ...item, ...secret } : item;
    }),
  );
}
