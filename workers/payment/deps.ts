/** Wires the payment worker's dependencies from its environment. */
import { stubFor } from "../../src/durable-objects/stubs";
import { ok } from "../../src/lib/problem";
import { BreakerView } from "../../src/payments/breaker-view";
import { Ledger } from "./ledger";
import type { PaymentDeps } from "./handler";
import type { PaymentProvider } from "./provider";
import { SimulatedProvider } from "./simulator";
import { StripeProvider } from "./stripe";

/**
 * The configured provider: Stripe with STRIPE_SECRET_KEY, or the simulator, which serves
 * only in development (ENVIRONMENT=development and PAYMENT_PROVIDER=simulated, as the
 * local run's .dev.vars says). Anywhere else a missing or unknown provider name means
 * Stripe: a misconfigured deploy fails its payments loudly, it never fakes them.
 */
export function providerFor(env: PaymentEnv): PaymentProvider {
  const simulated = env.ENVIRONMENT === "development" && env.PAYMENT_PROVIDER === "simulated";
  if (!simulated) {
    return new StripeProvider({
      apiKey: (env as { STRIPE_SECRET_KEY?: string }).STRIPE_SECRET_KEY ?? "",
      baseUrl: env.STRIPE_API_BASE,
      timeoutMs: Number(env.PAYMENT_TIMEOUT_MS) || 5000,
    });
  }
  return new SimulatedProvider(env.PAYMENT_SIMULATOR);
}

export function breakerStub(env: PaymentEnv, provider: PaymentProvider) {
  return stubFor(env.PAYMENT_BREAKER, provider.name);
}

/** This isolate's view of each provider's breaker, kept across queue runs (src/payments/breaker-view.ts). */
const breakerViews = new Map<string, BreakerView>();

function viewOf(env: PaymentEnv, provider: PaymentProvider): PaymentDeps["breaker"] {
  const stub = breakerStub(env, provider);
  const remote = { acquire: () => stub.acquire(), record: (success: boolean) => stub.record(success) };
  let view = breakerViews.get(provider.name);
  if (!view) breakerViews.set(provider.name, (view = new BreakerView()));
  const kept = view;
  return { acquire: () => kept.acquire(remote), record: (success) => kept.record(remote, success) };
}

/**
 * @example
 * const deps = paymentDeps(env);
 * await handlePaymentCommand(message.body, deps);
 */
export function paymentDeps(env: PaymentEnv): PaymentDeps {
  const provider = providerFor(env);
  const breaker = viewOf(env, provider);
  return {
    ledger: new Ledger(env.LEDGER_DB),
    provider,
    breaker,
    timeoutMs: Number(env.PAYMENT_TIMEOUT_MS) || 5000,
    commissionRate: Number(env.COMMISSION_RATE),
    // The gateway consumes this queue and applies each result to the Ride DO; the
    // payment worker binds nothing of the gateway's (see wrangler.toml: deploy order).
    report: async (result) => {
      await env.PAYMENT_RESULTS_QUEUE.send(result);
      return ok(result);
    },
  };
}
