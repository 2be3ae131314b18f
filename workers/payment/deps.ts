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

/** The breaker of the riders' payments at `provider`, or of its payouts (`payoutBreaker`). */
export function breakerStub(env: PaymentEnv, provider: PaymentProvider, of: "payments" | "payouts" = "payments") {
  return stubFor(env.PAYMENT_BREAKER, of === "payouts" ? `${provider.name}:payouts` : provider.name);
}

/** This isolate's view of each breaker, kept across queue runs (src/payments/breaker-view.ts). */
const breakerViews = new Map<string, BreakerView>();

function viewOf(env: PaymentEnv, provider: PaymentProvider, of: "payments" | "payouts"): PaymentDeps["breaker"] {
  const stub = breakerStub(env, provider, of);
  const remote = { acquire: () => stub.acquire(), record: (success: boolean, probe?: boolean) => stub.record(success, probe) };
  const name = `${provider.name}:${of}`;
  let view = breakerViews.get(name);
  if (!view) breakerViews.set(name, (view = new BreakerView()));
  const kept = view;
  return { acquire: () => kept.acquire(remote), record: (success, probe) => kept.record(remote, success, probe) };
}

/**
 * @example
 * const deps = paymentDeps(env);
 * await handlePaymentCommand(message.body, deps);
 */
export function paymentDeps(env: PaymentEnv): PaymentDeps {
  const provider = providerFor(env);
  const breaker = viewOf(env, provider, "payments");
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

/**
 * The breaker payouts go through: the provider's, but a breaker of its own, so that payouts
 * failing (a transfer endpoint down, or a few 5xx the provider replays under their keys for a
 * day) never turn the riders' authorisations and captures away, nor these them.
 *
 * @example
 * const breaker = payoutBreaker(env, providerFor(env));
 */
export function payoutBreaker(env: PaymentEnv, provider: PaymentProvider): PaymentDeps["breaker"] {
  return viewOf(env, provider, "payouts");
}
