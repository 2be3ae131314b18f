/**
 * The base of an aggregate that owns rides (a rider, a driver): the aggregate base, plus the
 * history the views' window hands over (src/history/kept-history.ts): rides, and for a driver
 * the earnings rows (a rider's object is never handed any). Written by the window's
 * run (src/views/window.ts), read by the owner's lists past the window
 * (workers/gateway/own-lists.ts). Neither touches the aggregate's record, its queue or its
 * timers: history is a side table, so no call here waits for a command.
 */
import { KeptHistory, type KeptEarning, type KeptQuery, type KeptRide } from "../history/kept-history";
import { AggregateObject } from "./aggregate";

export type { Welcome } from "./aggregate";

export abstract class RideOwnerObject<R, E extends { type: string }> extends AggregateObject<R, E> {
  protected readonly history = new KeptHistory(this.ctx.storage.sql);

  /** Keeps rides the views let go, all or none (one transaction). */
  keepRides(rides: KeptRide[]): void {
    this.history.ensureTables();
    this.ctx.storage.transactionSync(() => this.history.keepRides(rides));
  }

  /** The owner's kept rides, newest first after the query's cursor. */
  keptRides(query: KeptQuery & { status?: string }): KeptRide[] {
    return this.history.rides(query);
  }

  /** Keeps earnings rows the views let go (a driver's), all or none. */
  keepEarnings(rows: KeptEarning[]): void {
    this.history.ensureTables();
    this.ctx.storage.transactionSync(() => this.history.keepEarnings(rows));
  }

  /** Kept earnings newest first, their sum, and the sum of those the views still hold too (src/history/kept-history.ts). */
  keptEarnings(query: KeptQuery & { alsoInViews: string[]; sumBefore: string }): { items: KeptEarning[]; total: number; counted: number } {
    return this.history.earnings(query);
  }
}
