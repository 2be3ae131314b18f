/**
 * The base of the Ride DO: the aggregate base, plus the ride's ledger rows once the ledger's
 * window let them go (workers/payment/ledger-window.ts, kept by src/payments/kept-ledger.ts).
 * The ride owns them: the window's run hands them here (`keepLedger`), an operator's view of
 * the ride's payments reads them (`keptLedger`), and a refund pins the ride and puts them back
 * into the ledger before it is sent (`ledgerBack`), since the payment worker refunds from the
 * capture it records; a payment step that found them let go asks for them back the same way.
 * None of it touches the aggregate's record, outbox or timers. And the correlation id of the
 * request whose command runs now (`exclusiveUnder`, `causingNow`), for the calls it makes to
 * other objects: the base performs an effect with no word of its cause.
 */
import { fail, ok, type Outcome } from "../lib/problem";
import { bringLedgerBack, KeptLedger, type LedgerRestorer, type RideLedger } from "../payments/kept-ledger";
import { AggregateObject } from "./aggregate";
import { Causing } from "../kernel/causing";

export type { TimelineItem, Welcome } from "./aggregate";

export abstract class RideLedgerObject<R, E extends { type: string }> extends AggregateObject<R, E> {
  private readonly ledgerCopy = new KeptLedger(this.ctx.storage.sql);
  private readonly causing = new Causing();

  /** Runs `work` alone (`exclusive`), its calls to other objects under `correlationId` (none: the ride's own). */
  protected exclusiveUnder<T>(correlationId: string | null | undefined, work: () => Promise<T>): Promise<T> {
    return this.exclusive(() => this.causing.under(correlationId, work));
  }

  /** The correlation id of the command running now; null outside one, or for one no request made (a timer, a dispatch round). */
  protected get causingNow(): string | null {
    return this.causing.now;
  }

  /** Keeps the ride's ledger rows the ledger's window lets go; a second keep replaces the first. */
  keepLedger(ledger: RideLedger): void {
    this.ledgerCopy.keep(ledger);
  }

  /** The ride's ledger rows this object keeps; null while the ledger holds them. */
  keptLedger(): RideLedger | null {
    return this.ledgerCopy.kept();
  }

  /**
   * Pins the ride in the ledger, then puts back the rows it kept (idempotent) and forgets them,
   * in that order (`bringLedgerBack` of kept-ledger.ts): before an operator's refund, and when a
   * payment step found the ride let go (the gateway asks, workers/gateway/payment-results.ts). A payment
   * worker that does not answer is `unavailable` (a 503 to retry, or the result retried): the
   * refund is not sent without its capture.
   */
  protected async ledgerBack(rideId: string | undefined, windowDays: number): Promise<Outcome<null>> {
    if (!rideId) return ok(null);
    const payments = this.env.PAYMENTS as unknown as LedgerRestorer;
    const retryAfter = new Date(Date.now() + windowDays * 86_400_000).toISOString();
    try {
      await bringLedgerBack({
        pin: () => payments.restoreLedger(rideId, null, retryAfter),
        kept: () => this.ledgerCopy.kept(),
        restore: (ledger) => payments.restoreLedger(rideId, ledger, retryAfter),
        forget: () => this.ledgerCopy.forget(),
      });
    } catch (error) {
      console.warn(JSON.stringify({ msg: "ride ledger not pinned or restored", rideId, error: String(error) }));
      return fail("unavailable", "the payment ledger is unavailable; retry the refund");
    }
    return ok(null);
  }

  /**
   * `ledgerBack` for the gateway, when a payment step found the ride let go; `not_found` (and
   * nothing pinned) when this object holds no ride.
   */
  restoreKeptLedger(rideId: string, windowDays: number): Promise<Outcome<null>> {
    if (!this.load()) return Promise.resolve(fail("not_found", "no such ride"));
    return this.ledgerBack(rideId, windowDays);
  }
}
