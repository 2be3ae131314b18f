/** Wires the payment worker's dependencies from its environment. */
import { Ledger } from "./ledger";
import type { PaymentDeps } from "./handler";
import type { PaymentProvider } from "./provider";
import { SimulatedProvider } from "./simulator";
import { StripeProvider } from "./stripe";

/** The configured provider: PAYMENT_PROVIDER=stripe with STRIPE_SECRET_KEY, else the simulator. */
export function providerFor(env: PaymentEnv): PaymentProvider {
  if (env.PAYMENT_PROVIDER === "stripe") {
    return new StripeProvider({ apiKey: (env as { STRIPE_SECRET_KEY?: string }).STRIPE_SECRET_KEY ?? "", baseUrl: env.STRIPE_API_BASE, timeoutMs: Number(env.PAYMENT_TIMEOUT_MS) || 5000 });
  }
  return new SimulatedProvider(env.PAYMENT_SIMULATOR);
}

export function breakerStub(env: PaymentEnv, provider: PaymentProvider) {
  return env.PAYMENT_BREAKER.get(env.PAYMENT_BREAKER.idFromName(provider.name));
}

/**
 * @example
 * const deps = paymentDeps(env);
 * await handlePaymentCommand(message.body, deps);
 */
export function paymentDeps(env: PaymentEnv): PaymentDeps {
  const provider = providerFor(env);
  const breaker = breakerStub(env, provider);
  return {
    ledger: new Ledger(env.LEDGER_DB),
    provider,
    breaker: { acquire: () => breaker.acquire(), record: (success) => breaker.record(success) },
    timeoutMs: Number(env.PAYMENT_TIMEOUT_MS) || 5000,
    commissionRate: Number(env.COMMISSION_RATE),
    report: (result) => env.RIDE.get(env.RIDE.idFromName(result.rideId)).applyPaymentResult(result),
  };
}
