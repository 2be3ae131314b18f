/**
 * A rental's refund keys: one refund a rental, under a key of its own for each attempt.
 */
import type { RentalRecord } from "./types";

/**
 * The idempotency key of the rental's refund as it stands: one refund a rental (a cancelled
 * one's, or a declined one's late capture), sent again under a key of its own each time an
 * operator retries it after the provider declined (`retryRefund`): a declined key answers
 * the same decline forever, in the ledger and at the provider. The first attempt keeps the
 * key refunds always had.
 *
 * @example
 * refundKey(cancelled); // "rn_1:refund:cancel"; after one retry "rn_1:refund:cancel:2"
 */
export function refundKey(r: RentalRecord): string {
  const base = `${r.rental.id}:refund:${r.rental.status === "declined" ? "late-capture" : "cancel"}`;
  const attempt = r.refundAttempt ?? 1;
  return attempt > 1 ? `${base}:${attempt}` : base;
}
