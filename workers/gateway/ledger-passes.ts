/**
 * The repair sweep's two passes over the payment ledger (views-repair.ts runs them): the
 * earnings the views lack, and the rides and rentals the views never heard of. Both read the
 * ledger's pages from a saved cursor and bring what is missing from the objects.
 */
import type { ViewsMessage } from "../../src/domain/events";
import { WALK_STUCK_MS } from "../../src/payments/walk-stuck";
import { RENTAL_ID } from "../../src/lib/ids";
import { rideMessages, writesOf, type EarningRow, type ViewWrite } from "../../src/views/projection";
import type { RideSnapshot } from "./ride-snapshot";
import type { RepairDeps, RepairOptions } from "./views-repair";

/** A page of ids, or of the ledger's earnings rows, and where the next one starts. */
export interface LedgerPage<T> {
  items: T[];
  next: string | null;
}

/** One pass over a ledger page list: rows read, rows the views lacked and got, and what failed. */
export interface LedgerPassReport {
  scanned: number;
  inserted: number;
  error: string | null;
}

/**
 * The writes that bring a ride's rows up to its object: every event of its timeline
 * (the missing ones are inserted) with the current snapshot (taken if newer), and the
 * parcel's sealed handover code, which a row without one takes whatever its version.
 *
 * @example
 * await deps.project(rideWrites(snapshot));
 */
export function rideWrites(snapshot: RideSnapshot): ViewWrite[] {
  const sealed = snapshot.handoverSealed ? { handoverSealed: snapshot.handoverSealed } : {};
  return rideMessages(snapshot.ride, snapshot.timeline)
    .flatMap((m: ViewsMessage) => writesOf(m))
    .map((w) => (w.kind === "ride" ? { ...w, ...sealed } : w));
}

/** What `apply` made of one page: rows it added; `stop`: read no further this run (the cursor stays before this page); what failed. */
export interface PageStep {
  added: number;
  stop?: boolean;
  error?: string;
}

/** Base64 cursors hold no space: the saved position is the cursor, and since when the pass has failed there. */
const STUCK = " stuck-since ";
const readPosition = (saved: string | null): { cursor: string | null; stuckSince: number | null } => {
  const at = saved?.indexOf(STUCK) ?? -1;
  if (saved === null || at < 0) return { cursor: saved, stuckSince: null };
  return { cursor: saved.slice(0, at) || null, stuckSince: Number(saved.slice(at + STUCK.length)) || null };
};
const savedPosition = (cursor: string | null, stuckSince: number | null) => (stuckSince === null ? cursor : `${cursor ?? ""}${STUCK}${stuckSince}`);

/**
 * Reads up to `options.earningsPages` pages (and for no longer than `budgetMs`) of a ledger list from the saved cursor, hands
 * each page to `apply` and saves where it stopped. At the end the cursor stays before the
 * last page read: the next run reads the tail again, and what was added since. A page whose
 * objects fail stops the pass there (the next run tries them again) for `WALK_STUCK_MS` (the limit reconciliation's walks keep too:
 * one object broken for good must not stop the healing of every row after it); then
 * the pass goes past it (`views repair left a page behind`, an error line naming what failed).
 */
export async function ledgerPass<T>(
  cursorStore: { read: () => Promise<string | null>; save: (cursor: string | null) => Promise<void> },
  page: (after: string | null, limit: number) => Promise<LedgerPage<T>>,
  apply: (items: T[]) => Promise<PageStep>,
  options: RepairOptions,
): Promise<LedgerPassReport> {
  const report: LedgerPassReport = { scanned: 0, inserted: 0, error: null };
  let { cursor, stuckSince } = readPosition(await cursorStore.read());
  const now = Date.now();
  const until = now + (options.budgetMs ?? Infinity);
  try {
    for (let i = 0; i < options.earningsPages && Date.now() < until; i++) {
      const current = await page(cursor, options.pageSize);
      report.scanned += current.items.length;
      const step = await apply(current.items);
      report.inserted += step.added;
      report.error = step.error ?? null;
      if (step.error) {
        stuckSince ??= now;
        // Not yet an hour, or the page not wholly read this run (its budget spent), or nothing after it: tried again next run.
        if (now - stuckSince < WALK_STUCK_MS || step.stop || current.next === null) break;
        console.error(JSON.stringify({ msg: "views repair left a page behind", since: new Date(stuckSince).toISOString(), error: step.error }));
      }
      stuckSince = null;
      if (step.stop || current.next === null) break;
      cursor = current.next;
    }
  } catch (error) {
    report.error = String(error);
  }
  await cursorStore.save(savedPosition(cursor, stuckSince));
  return report;
}

const isRental = (id: string) => RENTAL_ID.test(id);
/** A ride's or a rental's writes; for a ride, its driver and, when it ended unpaid, the rider whose dues it added to. */
export type ObjectWrites = { writes: ViewWrite[]; driverId: string | null; owingRiderId?: string };

/**
 * The writes that bring a ride's or a rental's rows (by the id's kind) up to its object, and
 * the ride's driver (and its rider, when it ended unpaid); null when no object knows it. The
 * sweep and the rebuild both project by it.
 *
 * @example
 * const found = await objectWrites(deps, "rn_…"); // { writes: [rental, vehicle], driverId: null }
 */
export async function objectWrites(
  deps: Pick<RepairDeps, "rideSnapshot" | "rentalWrites">,
  id: string,
  skip: (ride: RideSnapshot["ride"]) => boolean = () => false,
): Promise<ObjectWrites | null> {
  if (isRental(id)) {
    const writes = await deps.rentalWrites(id);
    return writes && { writes, driverId: null };
  }
  const snapshot = await deps.rideSnapshot(id);
  if (!snapshot || skip(snapshot.ride)) return null;
  const { ride } = snapshot;
  const unpaid = ride.status === "completed" && ride.payment.status === "failed";
  return { writes: rideWrites(snapshot), driverId: ride.driver?.id ?? null, ...(unpaid ? { owingRiderId: ride.riderId } : {}) };
}

/**
 * The objects a pass may still read this run, shared by its pages: a run reads up to 60 pages,
 * and every object read is two calls of the invocation's 10,000 (after a views outage a page may
 * lack all its rows).
 */
export type ObjectBudget = { left: number };

/**
 * Projects the rides and rentals (the ledger's ids are both) the views never heard of from their
 * objects, as many as `budget` lets (the pass then stops at this page, read again next run);
 * answers how many were found. A ride past the views' window (`deps.pastWindow`: handed over to
 * its owners) is read and left: that read is the budget's too, so a pass that starts again from
 * the ledger's first page (an emptied views database) reads a few pages a run, not 60 pages of
 * rides (12,000 calls, more than an invocation may make, which would fail the run before its
 * cursor is saved, every run).
 */
export async function restoreLost(deps: RepairDeps, ids: string[], budget: ObjectBudget): Promise<PageStep> {
  const [lostRides, lostRentals] = await Promise.all([deps.missingRides(ids.filter((id) => !isRental(id))), deps.missingRentals(ids.filter(isRental))]);
  const lost = [...lostRides, ...lostRentals];
  const chosen = lost.slice(0, Math.max(0, budget.left));
  budget.left -= chosen.length;
  const failed: string[] = [];
  const restored = await Promise.all(
    chosen.map(async (id) => {
      try {
        const found = await objectWrites(deps, id, deps.pastWindow);
        if (found) await deps.project(found.writes);
        return found ? 1 : 0;
      } catch (error) {
        failed.push(`${id}: ${String(error)}`);
        return 0;
      }
    }),
  );
  const added = restored.reduce<number>((sum, n) => sum + n, 0);
  return { added, stop: chosen.length < lost.length, ...(failed.length ? { error: failed.join("; ") } : {}) };
}

/**
 * Copies in the ledger's earnings rows the views lack, and first brings each one's ride up to
 * its object: a settlement or refund row missing means the message that carried it was lost,
 * and with it the ride's own change (a refund of a completed ride, or of a cancelled ride's
 * no-show fee), which the stale sweep never looks at again, the ride being final.
 *
 * Bounded: rows younger than `before` are left to the views worker, whose message is likely
 * on its way (the page's rows are in time order, so the rest of the ledger is younger too: the
 * pass stops here); at most `budget` rides are read a run, all pages together (the rest wait for the next). A
 * ride that cannot be read keeps its rows out, and the pass stops at its page: the next run
 * tries it again. Answers the rows added (the projection may write them first).
 *
 * @example
 * const budget = { left: 25 };
 * await ledgerPass(cursor, deps.earningsPage, (rows) => copyEarnings(deps, rows, { before, budget }), options);
 */
export async function copyEarnings(deps: RepairDeps, rows: EarningRow[], limits: { before: string; budget: ObjectBudget }): Promise<PageStep> {
  const settled = rows.filter((row) => row.createdAt <= limits.before);
  const lacking = await deps.missingEarnings(settled);
  const rideIds = [...new Set(lacking.map((row) => row.rideId))];
  const chosen = rideIds.slice(0, Math.max(0, limits.budget.left));
  limits.budget.left -= chosen.length;
  const failed: string[] = [];
  const read = new Set<string>();
  await Promise.all(
    chosen.map(async (id) => {
      try {
        const found = await objectWrites(deps, id);
        if (found) await deps.project(found.writes);
        read.add(id);
      } catch (error) {
        failed.push(`${id}: ${String(error)}`);
      }
    }),
  );
  const healed = lacking.filter((row) => read.has(row.rideId));
  await deps.insertEarnings(healed);
  return { added: healed.length, stop: settled.length < rows.length || chosen.length < rideIds.length, ...(failed.length ? { error: failed.join("; ") } : {}) };
}
