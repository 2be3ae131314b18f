/**
 * DispatchCell: one per geohash cell (precision 5). Knows the available drivers
 * listed in its cell, for dispatch searches. A driver's entry is written when the
 * driver enters the cell, becomes available, or renews it (every `CELL_REFRESH_S`),
 * not on every location report: each entry holds a lease (`listed_until`) and lapses
 * if the driver stops renewing it. It may lag behind the Driver DOs (a position up to
 * a refresh old, a driver gone silent within the lease); a reservation through the
 * Driver DO decides.
 *
 * It also holds the **waiting demand** near it: a ride that found nobody registers here
 * (`wait`) instead of searching again every few seconds, and a driver newly listed here
 * (became available, or moved in) is answered the oldest rides waiting within their
 * radius (`upsert`), for the Driver DO to wake (decision 12: dispatch waits instead of
 * polling). A waiter lapses at its ride's dispatch deadline; a woken ride that no longer
 * waits is forgotten (`forget`).
 */
import { dispatchCell, distanceMeters, districtOf } from "../domain/geo";
import type { LatLng, Product } from "../domain/types";
import type { Waiter } from "../ride/dispatch";
import { within } from "../lib/timeout";
import { addColumn, StoredObject } from "./stored-object";
import { districtStub } from "./stubs";
import { forgetAnswered, registerWaiter, WAKE_CANDIDATES, waitersFor, WAITERS_REGISTERED_AT, WAITERS_SCHEMA } from "./waiters";

export interface CellEntry {
  driverId: string;
  lat: number;
  lng: number;
  product: Product;
  /** Every product the driver's vehicle serves (default `[product]`): what dispatch matches on. */
  products?: Product[];
  /** Epoch ms of the location report. */
  reportedAt: number;
  /** Epoch ms until which the entry is listed (the Driver DO renews it before then while the driver reports). */
  listedUntil: number;
}

/** Rides waiting here for a driver to wake, oldest first, and when (this cell's clock) the list was answered: what `forget` compares registrations with. */
export type Waking = { waiting: string[]; at: number };

/**
 * The bound on telling the district: a driver's location report (or going online) waits
 * for it when a telling is due, so a sick district delays that report by at most this, not
 * by the usual peer bound of 10 s; the telling is tried again at the next listing.
 */
export const DISTRICT_TELL_MS = 1000;

/** How long entries written before leases existed stay listed after their report (the freshness limit of the time). */
const LEGACY_LEASE_MS = 30_000;

export class DispatchCellDurableObject extends StoredObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, [
      `CREATE TABLE IF NOT EXISTS drivers (
      driver_id TEXT PRIMARY KEY, lat REAL NOT NULL, lng REAL NOT NULL, product TEXT NOT NULL, reported_at INTEGER NOT NULL,
      listed_until INTEGER NOT NULL DEFAULT 0, writes INTEGER NOT NULL DEFAULT 0, listed_at INTEGER NOT NULL DEFAULT 0)`,
      "CREATE TABLE IF NOT EXISTS supply (product TEXT PRIMARY KEY, no_supply_until INTEGER NOT NULL)",
      // One row per product a listed driver serves (drivers listed before products existed match on drivers.product).
      "CREATE TABLE IF NOT EXISTS driver_products (driver_id TEXT NOT NULL, product TEXT NOT NULL, PRIMARY KEY (driver_id, product))",
      WAITERS_SCHEMA,
      // Until when the district was told this cell lists each product (the district's supply map).
      "CREATE TABLE IF NOT EXISTS district_told (product TEXT PRIMARY KEY, listed_until INTEGER NOT NULL)",
    ]);
    // The columns added since (a new cell's tables have them): only a cell made before needs them, and a fresh one would
    // pay a read for each (its tables are made on its first write).
    if (!this.fresh) this.addColumnsOfOldCells();
  }

  private addColumnsOfOldCells(): void {
    // Cells created before leases: their entries keep the old freshness window, then lapse unless renewed.
    if (addColumn(this.sql, "drivers", "listed_until", "INTEGER NOT NULL DEFAULT 0"))
      this.sql.exec("UPDATE drivers SET listed_until = reported_at + ?", LEGACY_LEASE_MS);
    // How many times each entry was written since it was listed here (what the lease saves is visible).
    addColumn(this.sql, "drivers", "writes", "INTEGER NOT NULL DEFAULT 0");
    // When each driver was last listed anew (became available, moved in, changed): not a lease renewal (`wait`'s `relisted`).
    addColumn(this.sql, "drivers", "listed_at", "INTEGER NOT NULL DEFAULT 0");
    addColumn(this.sql, ...WAITERS_REGISTERED_AT);
  }

  /**
   * Dispatch just failed to find anyone here: turn new requests away until `until`
   * (epoch ms) instead of letting them wait out the deadline too.
   */
  markNoSupply(product: Product, until: number): void {
    this.sql.exec(
      "INSERT INTO supply (product, no_supply_until) VALUES (?, ?) ON CONFLICT(product) DO UPDATE SET no_supply_until = max(no_supply_until, excluded.no_supply_until)",
      product,
      until,
    );
  }

  /** Until when (epoch ms) this cell turns requests for `product` away, or null when it does not. */
  noSupplyUntil(product: Product, now = Date.now()): number | null {
    const row = this.sql.exec<{ no_supply_until: number }>("SELECT no_supply_until FROM supply WHERE product = ?", product).toArray()[0];
    return row && row.no_supply_until > now ? row.no_supply_until : null;
  }

  /**
   * Lists (or moves, or renews) an available driver. A driver appearing here ends the
   * no-supply window of every product they serve. Entries whose lease ran out go.
   * `relisted`: the driver just became available or moved into this cell (not a renewal);
   * then the answer names the rides waiting here that the driver could serve, oldest
   * first, for the Driver DO to wake.
   */
  async upsert(entry: CellEntry, relisted = false): Promise<Waking> {
    const products = [...new Set([entry.product, ...(entry.products ?? [])])];
    for (const product of products) this.sql.exec("DELETE FROM supply WHERE product = ?", product);
    // Back after its lease ran out (silent a while, its renewals failed): new here as far as waiting rides go, though its
    // own record names this cell and version still (before 2026-12-06 such a return woke nobody, found by review).
    const now = Date.now();
    const wasLive = this.sql.exec("SELECT 1 FROM drivers WHERE driver_id = ? AND listed_until >= ?", entry.driverId, now).toArray().length > 0;
    relisted ||= !wasLive;
    this.dropLapsed(now);
    const listed = this.sql.exec<{ product: string }>("SELECT product FROM driver_products WHERE driver_id = ? ORDER BY product", entry.driverId).toArray();
    if (listed.map((r) => r.product).join() !== [...products].sort().join()) {
      this.sql.exec("DELETE FROM driver_products WHERE driver_id = ?", entry.driverId);
      for (const product of products) this.sql.exec("INSERT INTO driver_products (driver_id, product) VALUES (?, ?)", entry.driverId, product);
    }
    this.sql.exec(
      `INSERT INTO drivers (driver_id, lat, lng, product, reported_at, listed_until, writes, listed_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT(driver_id) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, product = excluded.product, reported_at = excluded.reported_at,
         listed_until = excluded.listed_until, writes = drivers.writes + 1, listed_at = CASE WHEN ? THEN excluded.listed_at ELSE drivers.listed_at END
       WHERE excluded.reported_at >= drivers.reported_at`,
      entry.driverId,
      entry.lat,
      entry.lng,
      entry.product,
      entry.reportedAt,
      entry.listedUntil,
      Date.now(),
      relisted ? 1 : 0,
    );
    // Tell the district before answering, so a ride that waits with it is woken by this driver.
    // The cell is its own name (`ctx.id.name`, from `idFromName`); a driver is listed in the cell of their position.
    const cell = this.ctx.id.name ?? dispatchCell(entry);
    const handed = await this.tellDistrict(cell, products, entry.listedUntil, Date.now());
    return { waiting: relisted || handed > 0 ? this.waitingFor(entry, products, Date.now()) : [], at: Date.now() };
  }

  /**
   * Tells the district this cell lists `products` until `listedUntil`, for the products
   * it was not told about or whose telling lapses within half of this lease (so about
   * once per half lease per product, however many drivers renew here). Takes over the
   * rides waiting with the district that this cell could serve; answers how many. A
   * failed telling is logged and tried again at the next listing here: meanwhile the
   * district sends rides past this cell only until its next renewal.
   */
  private async tellDistrict(cell: string, products: Product[], listedUntil: number, now: number): Promise<number> {
    const told = new Map(
      this.sql
        .exec<{ product: string; listed_until: number }>("SELECT product, listed_until FROM district_told")
        .toArray()
        .map((r) => [r.product, r.listed_until]),
    );
    const due = products.filter((p) => (told.get(p) ?? 0) - now < (listedUntil - now) / 2);
    if (due.length === 0) return 0;
    try {
      const district = districtStub(this.env, districtOf(cell)).listed(cell, due, listedUntil, now);
      const { waiters } = await within(DISTRICT_TELL_MS, district, "tell district");
      for (const product of due)
        this.sql.exec(
          "INSERT INTO district_told (product, listed_until) VALUES (?, ?) ON CONFLICT(product) DO UPDATE SET listed_until = max(listed_until, excluded.listed_until)",
          product,
          listedUntil,
        );
      for (const waiter of waiters) registerWaiter(this.sql, waiter, now);
      return waiters.length;
    } catch (error) {
      console.warn(JSON.stringify({ msg: "telling the district failed", cell, error: String(error) }));
      return 0;
    }
  }

  /**
   * Registers a ride as waiting here, in line by its request (`waiter.since`; again: it keeps
   * the earlier place) and answers the drivers listed here for it now, and which of them were
   * listed anew since its round started (`roundStart`). A driver listed between the ride's search and this registration is in that
   * answer, so the ride never misses one.
   *
   * @example
   * const { listed } = await cellStub(env, cell).wait({ rideId, product, pickup, radiusM: 5000, until: deadline }, Date.now());
   */
  wait(waiter: Waiter, now: number, roundStart = now): { listed: string[]; relisted: string[] } {
    registerWaiter(this.sql, waiter, now);
    const listed = this.nearby(waiter.pickup, waiter.radiusM, waiter.product, now).map((e) => e.driverId);
    // Of those, the ones listed anew since the round's start: a driver the round tried and found busy, freed
    // and listed again before this registration, woke nobody, and is worth another round.
    const anew = new Set(
      this.sql
        .exec<{ driver_id: string }>("SELECT driver_id FROM drivers WHERE listed_at >= ?", roundStart)
        .toArray()
        .map((r) => r.driver_id),
    );
    return { listed, relisted: listed.filter((id) => anew.has(id)) };
  }

  /**
   * A dispatch search that waits where it finds nobody: the drivers listed here for the
   * ride, and when there are none, the ride registered as waiting here in the same call
   * (one call a cell instead of a search and then a registration; no driver can be listed
   * between the two, since a cell runs one call at a time). A cell with drivers does not
   * register the ride: its round goes on with them, and waits there later only if none
   * of them could be had.
   *
   * @example
   * const { entries, waiting } = await cellStub(env, cell).search({ rideId, product, pickup, radiusM: 5000, until: deadline }, Date.now());
   */
  search(waiter: Waiter, now: number): { entries: CellEntry[]; waiting: boolean } {
    const entries = this.nearby(waiter.pickup, waiter.radiusM, waiter.product, now);
    if (entries.length > 0) return { entries, waiting: false };
    registerWaiter(this.sql, waiter, now);
    return { entries, waiting: true };
  }

  /**
   * Forgets rides that no longer wait (woken and served elsewhere, cancelled), but not one
   * registered again since the list they were answered in (`answeredAt`, see `forgetAnswered`).
   */
  forget(rideIds: string[], answeredAt?: number): void {
    forgetAnswered(this.sql, rideIds, answeredAt);
  }

  /**
   * Forgets `gone` (rides that answered they no longer wait, from the list answered at
   * `goneAt`) and answers the next rides waiting
   * here that listed driver `driverId` could serve, oldest first, past `skip` (rides already
   * asked: they declined this driver, or a round of theirs is on its way). None once the driver
   * is no longer listed here (reserved meanwhile, or moved). A ride registered here stays until
   * its deadline though it was served from elsewhere or cancelled, so the first candidates a
   * driver is answered may all be such: the driver asks for the next ones.
   *
   * @example
   * const next = await cellStub(env, cell).nextWaiting("d1", ["rd_gone"], ["rd_declined"], page.at);
   */
  nextWaiting(driverId: string, gone: string[], skip: string[], goneAt?: number): Waking {
    this.forget(gone, goneAt);
    const entry = this.sql
      .exec<{ lat: number; lng: number; product: Product }>("SELECT lat, lng, product FROM drivers WHERE driver_id = ?", driverId)
      .toArray()[0];
    if (!entry) return { waiting: [], at: Date.now() };
    const listed = this.sql.exec<{ product: Product }>("SELECT product FROM driver_products WHERE driver_id = ?", driverId).toArray();
    const products = listed.length > 0 ? listed.map((r) => r.product) : [entry.product];
    return { waiting: this.waitingFor(entry, products, Date.now(), new Set(skip)), at: Date.now() };
  }

  /** The rides waiting here that a driver at `at` could serve, oldest first, but those in `skip`. */
  private waitingFor(at: LatLng, products: Product[], now: number, skip: ReadonlySet<string> = new Set()): string[] {
    return waitersFor(this.sql, products, now)
      .filter((w) => !skip.has(w.rideId) && distanceMeters(at, w.pickup) <= w.radiusM)
      .slice(0, WAKE_CANDIDATES)
      .map((w) => w.rideId);
  }

  remove(driverId: string): void {
    this.sql.exec("DELETE FROM drivers WHERE driver_id = ?", driverId);
    this.sql.exec("DELETE FROM driver_products WHERE driver_id = ?", driverId);
  }

  /**
   * Drivers whose vehicle serves `product`, within `radiusM` of `center`, listed at
   * `now` (epoch ms). Whether each is fresh enough is the Driver DO's to decide.
   */
  nearby(center: LatLng, radiusM: number, product: Product, now: number): (CellEntry & { distanceMeters: number })[] {
    return this.sql
      .exec<{ driver_id: string; lat: number; lng: number; product: Product; reported_at: number; listed_until: number }>(
        `SELECT driver_id, lat, lng, product, reported_at, listed_until FROM drivers d WHERE listed_until >= ? AND (
           EXISTS (SELECT 1 FROM driver_products p WHERE p.driver_id = d.driver_id AND p.product = ?)
           OR (product = ? AND NOT EXISTS (SELECT 1 FROM driver_products p WHERE p.driver_id = d.driver_id)))`,
        now,
        product,
        product,
      )
      .toArray()
      .map((r) => ({
        driverId: r.driver_id,
        lat: r.lat,
        lng: r.lng,
        product: r.product,
        reportedAt: r.reported_at,
        listedUntil: r.listed_until,
        distanceMeters: distanceMeters(center, r),
      }))
      .filter((e) => e.distanceMeters <= radiusM);
  }

  /** Forgets the entries whose lease ran out (drivers who went silent and never came back here). */
  private dropLapsed(now: number): void {
    this.sql.exec("DELETE FROM driver_products WHERE driver_id IN (SELECT driver_id FROM drivers WHERE listed_until < ?)", now);
    this.sql.exec("DELETE FROM drivers WHERE listed_until < ?", now);
  }
}
