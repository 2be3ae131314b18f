/**
 * Settlement: each captured fare splits into the platform's commission and the
 * driver's earning. Whole won; the commission rounds half up, the driver gets the rest,
 * so the two always add up to the fare.
 *
 * @example
 * splitFare({ amount: 12300, currency: "KRW" }, 0.2); // commission 2460, earning 9840
 */
import type { Money } from "../domain/types";

export function splitFare(fare: Money, commissionRate: number): { commission: Money; earning: Money } {
  const rate = Number.isFinite(commissionRate) && commissionRate >= 0 && commissionRate <= 1 ? commissionRate : 0.2;
  const commission = Math.round(fare.amount * rate);
  return { commission: { amount: commission, currency: fare.currency }, earning: { amount: fare.amount - commission, currency: fare.currency } };
}
