/**
 * The rules of a refund, as pure functions: whether one may be made (a capture to give
 * back from, and never more than was captured), and how it splits between the driver
 * and the platform (the settlement, in reverse).
 */
import type { Settlement } from "../domain/events";
import type { Money } from "../domain/types";

/** What the ledger knows of a ride when a refund is asked for. */
export interface RefundBasis {
  /** The ride's successful capture, or null when it has none. */
  capture: { amount: number; providerRef: string | null } | null;
  /** The sum of the ride's earlier successful refunds. */
  refunded: number;
}

export type RefundCheck = { ok: true; holdRef: string } | { ok: false; detail: string };

/**
 * May `amount` be given back? Only from a capture, and only while the refunds, this one
 * included, stay within what was captured.
 *
 * @example
 * checkRefund({ capture: { amount: 10000, providerRef: "pi_1" }, refunded: 4000 }, krw(6000)); // { ok: true, holdRef: "pi_1" }
 * checkRefund({ capture: { amount: 10000, providerRef: "pi_1" }, refunded: 4000 }, krw(6001)); // { ok: false, ... }
 */
export function checkRefund(basis: RefundBasis, amount: Money): RefundCheck {
  if (!Number.isInteger(amount.amount) || amount.amount <= 0)
    return { ok: false, detail: `refund amount must be a positive whole amount, not ${amount.amount}` };
  const capture = basis.capture;
  if (!capture?.providerRef) return { ok: false, detail: "no captured payment to refund" };
  const left = capture.amount - basis.refunded;
  if (amount.amount > left) return { ok: false, detail: `refund of ${amount.amount} exceeds the ${left} left of the ${capture.amount} captured` };
  return { ok: true, holdRef: capture.providerRef };
}

/** The ride's settlement as the adjustment needs it (whole won), or null when the ride has none. */
export interface SettlementBasis {
  driverId: string;
  fare: number;
  earning: number;
}

/**
 * The split of a refund, in negative amounts: the fare given back, the driver's part
 * (`round(earning × amount / fare)`) and the platform's (the rest).
 *
 * The driver's part is computed on the running total of the ride's refunds
 * (`priorRefunded`, `priorEarning`: what earlier adjustments already took, as positive
 * numbers) and this refund takes the difference. For a first refund that is exactly
 * `round(earning × amount / fare)`; for later ones it keeps the parts from drifting by
 * rounding, so refunding a whole fare in any number of pieces takes back exactly the
 * driver's earning, never a won more. Without a settlement the driver had no share and
 * the platform gives it all back.
 *
 * @example
 * refundAdjustment({ driverId: "d1", fare: 12300, earning: 9840 }, krw(12300), null); // fare -12300, earning -9840, commission -2460
 * refundAdjustment({ driverId: "d1", fare: 10000, earning: 8000 }, krw(2500), null); // fare -2500, earning -2000, commission -500
 */
export function refundAdjustment(
  settlement: SettlementBasis | null,
  amount: Money,
  fallbackDriverId: string | null,
  prior: { refunded: number; earning: number } = { refunded: 0, earning: 0 },
): Settlement {
  const money = (value: number): Money => ({ amount: value === 0 ? 0 : value, currency: amount.currency });
  let earning = 0;
  if (settlement && settlement.fare > 0) {
    const total = Math.min(prior.refunded + amount.amount, settlement.fare);
    const owedSoFar = Math.round((settlement.earning * total) / settlement.fare);
    earning = Math.min(Math.max(owedSoFar - prior.earning, 0), amount.amount);
  }
  return {
    driverId: settlement?.driverId ?? fallbackDriverId ?? "",
    fare: money(-amount.amount),
    commission: money(-(amount.amount - earning)),
    earning: money(-earning),
  };
}
