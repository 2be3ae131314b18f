/**
 * A rider's rides, a driver's trips and a driver's earnings: the views' window, then what the
 * owner's object keeps past it (src/views/window.ts hands rows over; src/history/). One page
 * is one D1 round trip (the page and the window's mark, batched) and, once anything was
 * handed over, one call to the owner's object: saved for rides on the pages the views answer
 * alone, made for earnings on every page (their total needs the kept sum). A sender's page
 * opens each parcel's handover code the views keep sealed for its ride, and asks the ride only
 * for one they do not (owner-secrets.ts).
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { driverView } from "../../src/domain/ride/audience";
import type { Ride, RideStatus } from "../../src/domain/types";
import { driverStub, riderStub, rideStub } from "../../src/durable-objects/stubs";
import type { KeptEarning, KeptRide } from "../../src/history/kept-history";
import { mergeNewestFirst, viewsAlone } from "../../src/history/merge";
import { earnings, viewCursors } from "../../src/views/schema";
import { KEPT_BEFORE } from "../../src/views/window-rules";
import { openFor } from "../../src/lib/contact-crypto";
import { HANDOVER } from "./parcel";
import { withOwnerSecrets } from "./owner-secrets";
import { afterKey, decodeCursor, encodeCursor, ridesAfter, type Page } from "./queries";

type OwnerEnv = Pick<Env, "VIEWS_DB" | "RIDER" | "DRIVER" | "RIDE" | "CONTACT_KEY">;

/** The window's mark: every row handed over was created before it (null: none ever was). */
const keptBefore = (d: ReturnType<typeof drizzle>, name: string) =>
  d.select({ cursor: viewCursors.cursor }).from(viewCursors).where(eq(viewCursors.name, name));

const nextCursorOf = (page: { items: { createdAt: string; id: string }[]; more: boolean }) => {
  const last = page.items[page.items.length - 1];
  return page.more && last ? encodeCursor(last.createdAt, last.id) : null;
};

/**
 * A rider's rides (`riderId`) or a driver's trips (`driverId`), newest first, past the views'
 * window too.
 *
 * @example
 * await listOwnRides(env, { kind: "rider", id: "rider_1" }, { limit: 20 });
 */
export async function listOwnRides(
  env: OwnerEnv,
  owner: { kind: "rider" | "driver"; id: string },
  filter: { status?: RideStatus; limit: number; cursor?: string },
): Promise<Page<Ride>> {
  const d = drizzle(env.VIEWS_DB);
  const ownerFilter = owner.kind === "rider" ? { riderId: owner.id } : { driverId: owner.id };
  const before = decodeCursor(filter.cursor);
  const [rows, [mark]] = await d.batch([ridesAfter(d, { ...filter, ...ownerFilter }, before), keptBefore(d, KEPT_BEFORE.rides)]);
  let page: { items: (typeof rows)[number][]; more: boolean } = { items: rows.slice(0, filter.limit), more: rows.length > filter.limit };
  if (!viewsAlone(rows, filter.limit, mark?.cursor ?? null)) {
    const query = { before, limit: filter.limit + 1, ...(filter.status ? { status: filter.status } : {}) };
    const kept: KeptRide[] = await (owner.kind === "rider" ? riderStub(env, owner.id).keptRides(query) : driverStub(env, owner.id).keptRides(query));
    page = mergeNewestFirst(
      rows,
      kept.map((k) => ({ ...k, handoverSealed: null })),
      filter.limit,
    );
  }
  // A driver reads who cancelled, not a rider's or an operator's words (src/domain/ride/audience.ts).
  if (owner.kind === "driver") return { items: page.items.map((r) => driverView(JSON.parse(r.snapshot) as Ride)), nextCursor: nextCursorOf(page) };
  const sealed = new Map(page.items.flatMap((r) => (r.handoverSealed ? [[r.id, r.handoverSealed] as const] : [])));
  const items = page.items.map((r) => JSON.parse(r.snapshot) as Ride);
  return { items: await withHandoverCodes(env, owner.id, items, sealed), nextCursor: nextCursorOf(page) };
}

/**
 * The sender's handover code on each of their parcel rides of a page, as `GET /v1/rides/{id}`
 * gives it: opened from the copy the views keep sealed for the ride (`sealed`, by ride id), else
 * asked of the ride's object (owner-secrets.ts): a ride requested before the views kept it
 * (its object has no copy either), or one that does not open (the key changed since).
 */
function withHandoverCodes(env: Pick<Env, "RIDE" | "CONTACT_KEY">, senderId: string, rides: Ride[], sealed: ReadonlyMap<string, string>): Promise<Ride[]> {
  const sender = { id: senderId, role: "rider" } as const;
  const opened = async (ride: Ride) => {
    const copy = sealed.get(ride.id);
    return copy && env.CONTACT_KEY ? openFor(env.CONTACT_KEY, HANDOVER, ride.id, copy).catch(() => null) : null;
  };
  return withOwnerSecrets(
    rides,
    (ride) => Boolean(ride.parcel),
    async (ride) => {
      const code = await opened(ride);
      if (code) return { handoverCode: code };
      const seen = await rideStub(env, ride.id).get(sender);
      return seen.ok && seen.value.handoverCode ? { handoverCode: seen.value.handoverCode } : null;
    },
  );
}

/**
 * A driver's earnings rows (captured and settled fares, refunds as negative rows), newest
 * first, with the total earned (refunds subtracted), past the views' window too. A row the
 * window handed over but has not yet deleted here counts once: the Driver DO sums those of
 * the views' rows it holds too, which the total takes away.
 *
 * @example
 * await listOwnEarnings(env, "driver_1", 20);
 */
export async function listOwnEarnings(env: OwnerEnv, driverId: string, limit: number, cursor?: string) {
  const after = decodeCursor(cursor);
  const d = drizzle(env.VIEWS_DB);
  const mine = eq(earnings.driverId, driverId);
  const [rows, [sum], [mark], older] = await d.batch([
    d
      .select()
      .from(earnings)
      .where(and(mine, afterKey(earnings.createdAt, earnings.id, after)))
      .orderBy(desc(earnings.createdAt), desc(earnings.id))
      .limit(limit + 1),
    d
      .select({ total: sql<number>`coalesce(sum(${earnings.earning}), 0)` })
      .from(earnings)
      .where(mine),
    keptBefore(d, KEPT_BEFORE.earnings),
    // The views' rows the Driver DO may hold too: only those created before the mark ever went over.
    d
      .select({ id: earnings.id })
      .from(earnings)
      .where(and(mine, lt(earnings.createdAt, sql`(SELECT ${viewCursors.cursor} FROM ${viewCursors} WHERE ${viewCursors.name} = ${KEPT_BEFORE.earnings})`))),
  ]);
  const inViews = rows.map((r): KeptEarning => ({
    id: r.id,
    rideId: r.rideId,
    createdAt: r.createdAt,
    fare: r.fare,
    commission: r.commission,
    earning: r.earning,
    currency: r.currency,
  }));
  let page = { items: inViews.slice(0, limit), more: inViews.length > limit };
  let total = sum?.total ?? 0;
  if (mark?.cursor) {
    // The mark as read with the views' sum: rows a later run kept are in that sum already.
    const kept = await driverStub(env, driverId).keptEarnings({ before: after, limit: limit + 1, alsoInViews: older.map((r) => r.id), sumBefore: mark.cursor });
    page = mergeNewestFirst(inViews, kept.items, limit);
    total += kept.total - kept.counted;
  }
  const krw = (amount: number) => ({ amount, currency: "KRW" as const });
  return {
    items: page.items.map((r) => ({ rideId: r.rideId, fare: krw(r.fare), commission: krw(r.commission), earning: krw(r.earning), createdAt: r.createdAt })),
    total: krw(total),
    nextCursor: nextCursorOf(page),
  };
}
