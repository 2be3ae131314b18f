/**
 * DispatchDistrict: one per geohash district (precision 4, 32 dispatch cells). It holds
 * two things (decision 12):
 *
 * - the **supply map**: which of its cells list available drivers of which product, and
 *   until when (the lease of the latest entry a cell told it about). A cell tells its
 *   district when it starts listing a product and again before that lapses, not on every
 *   listing: about once per half lease per cell and product. A dispatch round asks the
 *   district first and searches only the cells listed there, so a ride far from every
 *   driver makes one call instead of one per cell of its radius.
 * - the **rides waiting on cells that list nobody**. When such a cell starts listing a
 *   product again, its district hands it the waiting rides whose search radius touches
 *   it; from then on the cell wakes them like its own waiters.
 *
 * The map may say a cell lists someone after its drivers left (until the lease lapses):
 * that costs the ride one search of the cell, which then registers it. It never says a
 * cell lists nobody while it does, except when a cell's telling failed; the cell tries
 * again at its next listing or renewal, and hands-over the rides waiting then.
 */
import { CELL_PRECISION, cellsCovering } from "../domain/geo";
import type { Product } from "../domain/types";
import type { Waiter } from "../ride/dispatch";
import { addColumn, StoredObject } from "./stored-object";
import { registerWaiter, waitersFor, WAITERS_REGISTERED_AT, WAITERS_SCHEMA, type WaiterRow } from "./waiters";

/** At most this many waiting rides are handed to a cell at once (the oldest). */
export const HANDOVER_LIMIT = 100;

export class DispatchDistrictDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      "CREATE TABLE IF NOT EXISTS supply (cell TEXT NOT NULL, product TEXT NOT NULL, listed_until INTEGER NOT NULL, PRIMARY KEY (cell, product))",
      WAITERS_SCHEMA,
    ]);
    if (!this.fresh) addColumn(this.sql, ...WAITERS_REGISTERED_AT); // a new district's table has it
  }

  /**
   * Which of `cells` (of this district) list drivers of the ride's product at `now`. When
   * none do, the ride is registered as waiting on them in the same call (no cell can start
   * listing between the two: a district runs one call at a time).
   *
   * @example
   * const { listing, waiting } = await districtStub(env, "wydm").supply(["wydm2", "wydm3"], waiter, Date.now());
   */
  supply(cells: string[], waiter: Waiter, now: number): { listing: string[]; waiting: boolean } {
    const listing = this.listing(cells, waiter.product, now);
    if (listing.length > 0) return { listing, waiting: false };
    registerWaiter(this.sql, waiter, now);
    return { listing, waiting: true };
  }

  /**
   * Registers a ride as waiting on `cells` (again: its first registration keeps its place
   * in line) and answers those of them that list drivers of its product now: one that
   * started listing between the ride's search and this registration is not missed.
   *
   * @example
   * const { listing } = await districtStub(env, "wydm").wait(["wydm3"], waiter, Date.now());
   */
  wait(cells: string[], waiter: Waiter, now: number): { listing: string[] } {
    registerWaiter(this.sql, waiter, now);
    return { listing: this.listing(cells, waiter.product, now) };
  }

  /**
   * A cell lists `products` until `listedUntil` (epoch ms). Answers the rides waiting for
   * one of those products whose search radius touches the cell, oldest first: the cell
   * takes them over and wakes them.
   *
   * @example
   * const { waiters } = await districtStub(env, "wydm").listed("wydm2", ["standard"], Date.now() + 240_000, Date.now());
   */
  listed(cell: string, products: Product[], listedUntil: number, now: number): { waiters: WaiterRow[] } {
    for (const product of products)
      this.sql.exec(
        `INSERT INTO supply (cell, product, listed_until) VALUES (?, ?, ?)
         ON CONFLICT(cell, product) DO UPDATE SET listed_until = max(listed_until, excluded.listed_until)`,
        cell,
        product,
        listedUntil,
      );
    const waiters = waitersFor(this.sql, products, now).filter((w) => cellsCovering(w.pickup, w.radiusM, CELL_PRECISION).includes(cell));
    return { waiters: waiters.slice(0, HANDOVER_LIMIT) };
  }

  /**
   * Which of `cells` list drivers of `product` at `now`, registering nothing: the gateway's
   * no-supply check asks it before turning a rider away.
   *
   * @example
   * const listing = await districtStub(env, "wydm").listingOf(["wydm2", "wydm3"], "standard", Date.now());
   */
  listingOf(cells: string[], product: Product, now: number): string[] {
    return this.listing(cells, product, now);
  }

  private listing(cells: string[], product: Product, now: number): string[] {
    if (cells.length === 0) return [];
    return this.sql
      .exec<{ cell: string }>(
        `SELECT cell FROM supply WHERE product = ? AND listed_until >= ? AND cell IN (${cells.map(() => "?").join(", ")}) ORDER BY cell`,
        product,
        now,
        ...cells,
      )
      .toArray()
      .map((r) => r.cell);
  }
}
