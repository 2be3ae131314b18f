/**
 * The payment worker's internal API for the gateway (a service binding to this
 * entrypoint): fault injection in development, the ledger of a ride, the breaker's
 * state, dead letters, and reconciliation on demand.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { BreakerState } from "../../src/payments/breaker";
import { breakerStub, paymentDeps, providerFor } from "./deps";
import type { LedgerEntry } from "./ledger";
import { reconcile, rideLookup, type ReconcileReport } from "./reconcile";
import type { FaultMode } from "./simulator";

export class PaymentService extends WorkerEntrypoint<PaymentEnv> {
  /** Development only (the gateway checks): faults of the simulated provider. */
  async setFaults(fault: FaultMode): Promise<FaultMode> {
    return this.env.PAYMENT_SIMULATOR.get(this.env.PAYMENT_SIMULATOR.idFromName("default")).setFaults(fault);
  }

  async ledgerFor(rideId: string): Promise<LedgerEntry[]> {
    return paymentDeps(this.env).ledger.forRide(rideId);
  }

  async health(): Promise<{ provider: string; breaker: BreakerState; deadLetters: number }> {
    const provider = providerFor(this.env);
    const deps = paymentDeps(this.env);
    return { provider: provider.name, breaker: await breakerStub(this.env, provider).status(), deadLetters: await deps.ledger.deadLetterCount() };
  }

  async reconcile(minAgeMs = 0): Promise<ReconcileReport> {
    return reconcile({ ...paymentDeps(this.env), ride: rideLookup(this.env) }, { minAgeMs });
  }
}
