/**
 * The payment worker's internal API for the gateway (a service binding to this
 * entrypoint): fault injection in development, the ledger of a ride, the breaker's
 * state, dead letters, reconciliation on demand, charging a rider's dues, the read
 * pages the views' repair walks, and drivers' payouts (with the sums their runs read) and
 * the commission report. A transient error of any method leaves marked as such.
 */
import { paymentDeadLetters, type PaymentDeadLetter } from "./dead-letters";
import type { LetterCursor } from "../../src/lib/dead-letters";
import { WorkerEntrypoint } from "cloudflare:workers";
import { stubFor } from "../../src/durable-objects/stubs";
import { meterEnv, metrics, metricsOn, type MetricsSnapshot } from "../../src/lib/metrics";
import type { Money } from "../../src/domain/types";
import type { BreakerState } from "../../src/payments/breaker";
import { databaseSize, type DatabaseSize } from "../../src/views/database-size";
import { breakerStub, paymentDeps, payoutBreaker, providerFor } from "./deps";
import { chargeDues, finishDuesCharge, type DuesChargeOutcome, type SettledDuesCharge } from "./dues";
import type { LedgerEntry } from "./ledger";
import { earningsPage, heldRidesPage, rideIdsPage, type EarningsItem } from "./pages";
import { reconcile, type ReconcileReport, type RideLookup } from "./reconcile";
import type { FaultMode } from "./simulator";
import { driverBalance, normalizeCutoff } from "../../src/payments/payout";
import { fail, ok, type Outcome } from "../../src/lib/problem";
import { markTransientErrors } from "../../src/lib/transient";
import { commissionReport, driverTotals, payoutsPage, type PayoutItem } from "./payout-store";
import { markPayoutsTold, untoldPayouts, type UntoldPayout } from "./payout-told";
import { setPayoutAccount } from "./payout-accounts";
import { resendUnansweredPayouts, runPayouts, type PayoutDeps, type PayoutRunReport } from "./payouts";
import { advanceEarningsCheckpoint, EARNINGS_SETTLED_MS } from "./earnings-checkpoint";
import { foldFinalPayouts } from "./payout-totals";
import { letGoBefore, letGoOfLedger, ledgerPastWindow, restoreLedger, type LedgerChunk, type RideLedger } from "./ledger-window";

/** What a payout run and the cron's resend send through: the provider behind its breaker, over the ledger. */
function payoutDeps(env: PaymentEnv): PayoutDeps {
  const { provider, timeoutMs } = paymentDeps(env);
  return { db: env.LEDGER_DB, provider, breaker: payoutBreaker(env, provider), timeoutMs };
}

export class PaymentService extends WorkerEntrypoint<PaymentEnv> {
  /** Development only (the gateway checks): faults of the simulated provider. */
  async setFaults(fault: FaultMode): Promise<FaultMode> {
    // The gateway's dev routes answer 404 outside development; this is the second lock.
    if (this.env.ENVIRONMENT !== "development") throw new Error("fault injection exists in development only");
    return stubFor(this.env.PAYMENT_SIMULATOR, "default").setFaults(fault);
  }

  /** Development only: this worker's counters (src/lib/metrics.ts), null elsewhere. */
  async metrics(): Promise<MetricsSnapshot | null> {
    meterEnv(this.env);
    return metricsOn() ? metrics.snapshot() : null;
  }

  async ledgerFor(rideId: string): Promise<LedgerEntry[]> {
    return paymentDeps(this.env).ledger.forRide(rideId);
  }

  /**
   * How full the ledger database is, alone: the ten-minute cron's size check reads only this,
   * not the breaker and dead letters of `health()`.
   *
   * @example
   * const { share } = await paymentService(env).ledgerSize();
   */
  async ledgerSize(): Promise<DatabaseSize> {
    return databaseSize(this.env.LEDGER_DB);
  }

  /** The provider's breakers (the riders' payments', the payouts'), the dead letters, and how full the ledger database is. */
  async health(): Promise<{ provider: string; breaker: BreakerState; payoutBreaker: BreakerState; deadLetters: number; ledger: DatabaseSize }> {
    const provider = providerFor(this.env);
    const deps = paymentDeps(this.env);
    return {
      provider: provider.name,
      breaker: await breakerStub(this.env, provider).status(),
      payoutBreaker: await breakerStub(this.env, provider, "payouts").status(),
      deadLetters: await deps.ledger.deadLetterCount(),
      ledger: await databaseSize(this.env.LEDGER_DB),
    };
  }

  /**
   * Reconciliation of the ledger against the rides. The gateway passes `ride`, a
   * function that reads a Ride DO (an RPC callback into the gateway): the payment worker
   * binds nothing of the gateway's, which is what lets it be deployed first. `walk` false (an
   * operator's run): the walk over the provider's older holds is the cron's alone.
   */
  async reconcile(minAgeMs: number, ride: RideLookup, walk = true): Promise<ReconcileReport> {
    return reconcile({ ...paymentDeps(this.env), ride }, { minAgeMs, walk });
  }

  /**
   * Charges a rider's unpaid dues now (authorize, then capture, under
   * `<idempotencyKey>:authorize` and `:capture`, in the ledger under `dues:<riderId>`). A
   * repeat answers the recorded result. Throws when the provider cannot answer: the
   * caller answers 503.
   *
   * @example
   * const paid = await env.PAYMENTS.chargeDues({ riderId, amount: dues, paymentMethod, idempotencyKey: key, correlationId });
   */
  async chargeDues(input: {
    riderId: string;
    amount: Money;
    paymentMethod: string;
    idempotencyKey: string;
    correlationId: string;
  }): Promise<DuesChargeOutcome> {
    return chargeDues(paymentDeps(this.env), input);
  }

  /**
   * The Rider DO's check of a dues charge whose answer it lost: the answer the ledger recorded,
   * or a standing hold's capture sent again under its key (`finishDuesCharge`); null while no
   * hold stands. Throws when the provider cannot answer.
   *
   * @example
   * const settled = await env.PAYMENTS.finishDuesCharge("r1:dues:3:0", "dues-check:r1:dues:3:0");
   */
  async finishDuesCharge(idempotencyKey: string, correlationId: string): Promise<SettledDuesCharge | null> {
    return finishDuesCharge(paymentDeps(this.env), idempotencyKey, correlationId);
  }

  /**
   * Settlements (id = ride id) and refund adjustments (id = the refund's key), in
   * (createdAt, id) order; `next` is the opaque cursor of the page after, null at the end.
   *
   * @example
   * let page = await env.PAYMENTS.earningsPage(null, 200);
   * while (page.next) page = await env.PAYMENTS.earningsPage(page.next, 200);
   */
  async earningsPage(after: string | null, limit: number): Promise<{ items: EarningsItem[]; next: string | null }> {
    return earningsPage(this.env.LEDGER_DB, after, limit);
  }

  /**
   * The ledger's distinct ride ids (not the dues accounts), in id order; `next` is the
   * opaque cursor of the page after, null at the end.
   *
   * @example
   * const { items, next } = await env.PAYMENTS.rideIdsPage(null, 500);
   */
  async rideIdsPage(after: string | null, limit: number): Promise<{ items: string[]; next: string | null }> {
    return rideIdsPage(this.env.LEDGER_DB, after, limit);
  }

  /**
   * The rides the ledger has an authorisation of, in the order it recorded them, none
   * recorded after `before` when given (an older gateway gives none); `next` is the opaque
   * cursor of the page after, null at the end.
   *
   * @example
   * const { items, next } = await env.PAYMENTS.heldRidesPage(null, 100, before);
   */
  async heldRidesPage(after: string | null, limit: number, before?: string): Promise<{ items: string[]; next: string | null }> {
    return heldRidesPage(this.env.LEDGER_DB, after, limit, before);
  }

  /**
   * The ledger's window (./ledger-window.ts): the next rides past it, held `lagMs` before
   * `before` (and the earnings checkpoint), judged, each with its rows when they may go to its Ride DO.
   *
   * @example
   * const chunk = await env.PAYMENTS.ledgerPastWindow(cutoff.toISOString(), 200, SETTLE_LAG_MS);
   */
  async ledgerPastWindow(before: string, limit: number, lagMs: number): Promise<LedgerChunk> {
    return ledgerPastWindow(this.env.LEDGER_DB, before, limit, new Date().toISOString(), lagMs);
  }

  /** Lets go of the rides their Ride DOs kept, defers those met too early, and moves the window's walk to `after`; how many went. */
  async letGoOfLedger(rides: { kept: string[]; later: string[]; never: string[] }, cutoff: string, after: LedgerChunk["after"]): Promise<number> {
    return letGoOfLedger(this.env.LEDGER_DB, rides, cutoff, after, new Date().toISOString());
  }

  /**
   * Pins a ride before a refund (`ledger` null), or puts back the rows its Ride DO kept; judged
   * by the window again after `retryAfter`. A repeat changes nothing.
   */
  async restoreLedger(rideId: string, ledger: RideLedger | null, retryAfter: string): Promise<void> {
    await restoreLedger(this.env.LEDGER_DB, rideId, ledger, retryAfter, new Date().toISOString());
  }

  /** The dead letters, newest first (GET /v1/ops/payments/dead-letters): what each was about, never its body. */
  async deadLettersPage(after: LetterCursor | null, limit: number): Promise<{ items: PaymentDeadLetter[]; last: LetterCursor | null }> {
    return paymentDeadLetters(this.env.LEDGER_DB, after, limit);
  }

  /** Keeps a payment result the gateway could not apply after every retry (its dead letters). */
  async recordDeadLetter(input: { id: string; queue: string; body: unknown; attempts: number }): Promise<void> {
    await paymentDeps(this.env).ledger.deadLetter(input);
  }

  /**
   * Runs the payout run of a cut-off (default now; a future one, a non-time, or one before what
   * the ledger's window let go is invalid_request). Idempotent per cut-off; `more` asks for
   * another call of the same cut-off.
   *
   * @example
   * const report = unwrap(await paymentService(env).runPayouts(undefined));
   */
  async runPayouts(cutoff: string | undefined): Promise<Outcome<PayoutRunReport>> {
    const checked = normalizeCutoff(cutoff, new Date());
    if (!checked.ok) return fail("invalid_request", checked.detail);
    const held = await letGoBefore(this.env.LEDGER_DB);
    if (checked.cutoff < held) return fail("invalid_request", `cutoff: before ${held}, since when the ledger's window let rides go (LEDGER_WINDOW_DAYS)`);
    return ok(await runPayouts(payoutDeps(this.env), checked.cutoff));
  }

  /**
   * Sends again the payouts whose outcome is unknown, between runs (the gateway's ten-minute cron).
   *
   * @example
   * const { drivers, failed } = await paymentService(env).resendPayouts();
   */
  async resendPayouts(): Promise<{ drivers: number; total: number; failed: number; more: boolean }> {
    return resendUnansweredPayouts(payoutDeps(this.env));
  }

  /**
   * The oldest payouts answered for good whose drivers were not told yet (the gateway tells
   * them: workers/gateway/payout-notices.ts), at most `limit`.
   *
   * @example
   * const untold = await paymentService(env).untoldPayouts(100);
   */
  async untoldPayouts(limit: number): Promise<UntoldPayout[]> {
    return untoldPayouts(this.env.LEDGER_DB, limit);
  }

  /**
   * Marks payouts told (after their notifications were sent).
   *
   * @example
   * await paymentService(env).markPayoutsTold(untold.map((p) => p.id));
   */
  async markPayoutsTold(ids: string[]): Promise<void> {
    await markPayoutsTold(this.env.LEDGER_DB, ids, new Date().toISOString());
  }

  /**
   * Keeps the payout runs' sums current (the gateway's ten-minute cron): moves the earnings
   * checkpoint up to ten minutes ago and folds the payouts answered for good, so that a run
   * reads minutes of earnings and the payouts still open, not all history.
   *
   * @example
   * const { through, folded } = await paymentService(env).advancePayoutSums();
   */
  async advancePayoutSums(): Promise<{ through: string; steps: number; folded: number }> {
    // Independent (settlements and payouts): the database runs them one after the other, but
    // the call waits for one round trip less.
    const [checkpoint, folded] = await Promise.all([
      advanceEarningsCheckpoint(this.env.LEDGER_DB, new Date(Date.now() - EARNINGS_SETTLED_MS).toISOString()),
      foldFinalPayouts(this.env.LEDGER_DB),
    ]);
    return { ...checkpoint, folded };
  }

  /** A driver's balance: earned and not paid out (negative after a refund of a paid fare), and paid out. */
  async driverBalance(driverId: string): Promise<{ owed: Money; paid: Money }> {
    const totals = await driverTotals(this.env.LEDGER_DB, driverId);
    const { owed, paid } = driverBalance(totals.earned, totals.payouts);
    return { owed: { amount: owed, currency: "KRW" }, paid: { amount: paid, currency: "KRW" } };
  }

  /** Payouts newest first, of one driver (or all: null); a cursor that is not one of these pages' is invalid_request. */
  async payouts(driverId: string | null, cursor: string | null, limit: number): Promise<Outcome<{ items: PayoutItem[]; next: string | null }>> {
    try {
      return ok(await payoutsPage(this.env.LEDGER_DB, { driverId, after: cursor, limit }));
    } catch (error) {
      if (error instanceof Error && error.message === "invalid page cursor") return fail("invalid_request", "cursor: not a cursor of this list");
      throw error;
    }
  }

  /** Sets the connected account (Stripe `acct_…`) a driver's payouts go to; answers the one it replaced (null: none). */
  async setPayoutAccount(driverId: string, accountId: string): Promise<string | null> {
    return setPayoutAccount(this.env.LEDGER_DB, driverId, accountId, new Date().toISOString());
  }

  /** Fares, commission and earnings of the captured rides over [from, to) (ISO 8601), how many, and apart what the platform settled uncaptured. */
  async commissionReport(
    from: string,
    to: string,
  ): Promise<{ fares: Money; commission: Money; earnings: Money; rides: number; settled: { earnings: Money; rides: number } }> {
    const report = await commissionReport(this.env.LEDGER_DB, from, to);
    const krw = (amount: number): Money => ({ amount, currency: "KRW" });
    return {
      fares: krw(report.fares),
      commission: krw(report.commission),
      earnings: krw(report.earnings),
      rides: report.rides,
      settled: { earnings: krw(report.settled.earnings), rides: report.settled.rides },
    };
  }
}

// A D1 hiccup behind a method reaches the gateway as a 503 to retry, not a 500: only an error's
// message crosses the service binding, so its transient errors are marked there (src/lib/transient.ts).
markTransientErrors(PaymentService);
