/**
 * What a rider owes, asked of their Rider DO before a ride (or rental) is accepted. A
 * rider with dues gets 402 `payment_required` with the amount until they pay them.
 */
import type { Money } from "../../src/domain/types";
import { riderStub } from "../../src/durable-objects/stubs";
import { AppError } from "../../src/lib/problem";

/**
 * The rider's open dues, or null when they owe nothing. Fails open: a Rider DO that
 * cannot answer never keeps a rider from a ride (the request is accepted whatever else
 * is down); the dues are still owed and asked again next time.
 *
 * @example
 * const dues = await openDues(env, rider.id); // { amount: 9800, currency: "KRW" } | null
 */
export async function openDues(env: Pick<Env, "RIDER">, riderId: string): Promise<Money | null> {
  try {
    const { dues } = await riderStub(env, riderId).account(riderId);
    return dues.amount > 0 ? dues : null;
  } catch (error) {
    console.warn(JSON.stringify({ msg: "dues check failed; letting the request through", error: String(error) }));
    return null;
  }
}

/**
 * The 402 answer for a rider who owes `dues`.
 *
 * @example
 * if (dues) throw duesRequired(dues);
 */
export function duesRequired(dues: Money): AppError {
  return new AppError("payment_required", `unpaid dues of ${dues.amount} ${dues.currency}: pay them with POST /v1/me/dues/pay first`, { dues });
}
