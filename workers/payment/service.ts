/**
 * The payment worker's internal API for the gateway (a service binding to this
 * entrypoint): fault injection in development, the ledger of a ride, the breaker's
 * state, dead letters, reconciliation on demand, charging a rider's dues, and the read
 * pages the views' repair walks.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { stubFor } from "../../src/durable-objects/stubs";
import type { Money } from "../../src/domain/types";
import type { BreakerState } from "../../src/payments/breaker";
import { breakerStub, paymentDeps, providerFor } from "./deps";
import { chargeDues } from "./dues";
import type { LedgerEntry } from "./ledger";
import { earningsPage, heldRidesPage, rideIdsPage, type EarningsItem } from "./pages";
import { reconcile, type ReconcileReport, type RideLookup } from "./reconcile";
import type { FaultMode } from "./simulator";

export class PaymentService extends WorkerEntrypoint<PaymentEnv> {
  /** Development only (the gateway checks): faults of the simulated provider. */
  async setFaults(fault: FaultMode): Promise<FaultMode> {
    // The gateway's dev routes answer 404 outside development; this is the second lock.
    if (this.env.ENVIRONMENT !== "development") throw new Error("fault injection exists in development only");
    return stubFor(this.env.PAYMENT_SIMULATOR, "default").setFaults(fault);
  }

  async ledgerFor(rideId: string): Promise<LedgerEntry[]> {
    return paymentDeps(this.env).ledger.forRide(rideId);
  }

  async health(): Promise<{ provider: string; breaker: BreakerState; deadLetters: number }> {
    const provider = providerFor(this.env);
    const deps = paymentDeps(this.env);
    return { provider: provider.name, breaker: await breakerStub(this.env, provider).status(), deadLetters: await deps.ledger.deadLetterCount() };
  }

  /**
   * Reconciliation of the ledger against the rides. The gateway passes `ride`, a
   * function that reads a Ride DO (an RPC callback into the gateway): the payment worker
   * binds nothing of the gateway's, which is what lets it be deployed first.
   */
  async reconcile(minAgeMs: number, ride: RideLookup): Promise<ReconcileReport> {
    return reconcile({ ...paymentDeps(this.env), ride }, { minAgeMs });
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
  }): Promise<{ outcome: "succeeded" | "declined"; providerRef: string | null; detail: string | null }> {
    return chargeDues(paymentDeps(this.env), input);
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
   * The rides the ledger has an authorisation of, in the order it recorded them; `next`
   * is the opaque cursor of the page after, null at the end.
   *
   * @example
   * const { items, next } = await env.PAYMENTS.heldRidesPage(null, 100);
   */
  async heldRidesPage(after: string | null, limit: number): Promise<{ items: string[]; next: string | null }> {
    return heldRidesPage(this.env.LEDGER_DB, after, limit);
  }

  /** Keeps a payment result the gateway could not apply after every retry (its dead letters). */
  async recordDeadLetter(input: { id: string; queue: string; body: unknown; attempts: number }): Promise<void> {
    await paymentDeps(this.env).ledger.deadLetter(input);
  }
}
