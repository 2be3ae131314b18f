/**
 * The payment worker's internal API for the gateway (a service binding to this
 * entrypoint): fault injection in development, the ledger of a ride, the breaker's
 * state, dead letters, and reconciliation on demand.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { stubFor } from "../../src/durable-objects/stubs";
import type { BreakerState } from "../../src/payments/breaker";
import { breakerStub, paymentDeps, providerFor } from "./deps";
import type { LedgerEntry } from "./ledger";
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

  /** Keeps a payment result the gateway could not apply after every retry (its dead letters). */
  async recordDeadLetter(input: { id: string; queue: string; body: unknown; attempts: number }): Promise<void> {
    await paymentDeps(this.env).ledger.deadLetter(input);
  }
}
