/**
 * Reconciliation, run by cron (and on demand by an operator): the ledger against the
 * rides. Holds left open on rides that ended are voided; captures whose ride never
 * heard back are reported to it again. Returns what it fixed.
 */
import type { PaymentCommandMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { handlePaymentCommand, type PaymentDeps } from "./handler";

export interface ReconcileReport {
  openHoldsChecked: number;
  holdsVoided: string[];
  capturesReported: string[];
  failures: { rideId: string; error: string }[];
}

/** The ride as its Durable Object holds it, or null when there is none (the gateway reads it). */
export type RideLookup = (rideId: string) => Promise<Ride | null>;

export interface ReconcileDeps extends PaymentDeps {
  ride: RideLookup;
}

/**
 * @example
 * const report = await reconcile(deps, { minAgeMs: 5 * 60_000 });
 */
export async function reconcile(deps: ReconcileDeps, options: { minAgeMs: number; now?: number }): Promise<ReconcileReport> {
  const now = options.now ?? Date.now();
  const report: ReconcileReport = { openHoldsChecked: 0, holdsVoided: [], capturesReported: [], failures: [] };
  const command = (
    base: { rideId: string; amount: number; currency: string; correlationId: string },
    action: "void" | "capture",
    driverId: string | null,
  ): PaymentCommandMessage => ({
    kind: "payment.command",
    action,
    rideId: base.rideId,
    amount: { amount: base.amount, currency: "KRW" },
    paymentMethod: "",
    product: "standard",
    driverId,
    idempotencyKey: `${base.rideId}:${action}`,
    correlationId: base.correlationId,
    causationId: "reconciliation",
  });

  for (const hold of await deps.ledger.openHolds()) {
    if (now - Date.parse(hold.createdAt) < options.minAgeMs) continue;
    report.openHoldsChecked += 1;
    try {
      const ride = await deps.ride(hold.rideId);
      // A hold is owed a void when its ride is over without a capture: cancelled, or gone.
      if (ride && ride.status !== "cancelled") continue;
      const result = await handlePaymentCommand(command(hold, "void", null), deps);
      if (result.outcome === "succeeded") report.holdsVoided.push(hold.rideId);
    } catch (error) {
      report.failures.push({ rideId: hold.rideId, error: String(error) });
    }
  }

  for (const capture of await deps.ledger.captures()) {
    try {
      const ride = await deps.ride(capture.rideId);
      if (!ride || ride.status !== "payment_pending" || ride.payment.status === "captured") continue;
      const cmd = { ...command(capture, "capture", ride.driver?.id ?? null), idempotencyKey: capture.idempotencyKey };
      await handlePaymentCommand(cmd, deps);
      report.capturesReported.push(capture.rideId);
    } catch (error) {
      report.failures.push({ rideId: capture.rideId, error: String(error) });
    }
  }
  return report;
}
