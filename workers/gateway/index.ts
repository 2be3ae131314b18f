/**
 * Gateway worker entry: the HTTP app, the Durable Object classes it hosts, the consumer
 * of the payment worker's results, and the cron that reconciles payments.
 */
import type { PaymentResult } from "../../src/domain/events";
import { createApp } from "./app";
import { consumePaymentResults, paymentResultDeps, reconcilePayments } from "./payment-results";

export { RideDurableObject } from "../../src/durable-objects/ride";
export { DriverDurableObject } from "../../src/durable-objects/driver";
export { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";

const app = createApp();

/** Reconciliation leaves young holds alone: their ride may still be on its way to a capture. */
const RECONCILE_MIN_AGE_MS = 5 * 60_000;

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<PaymentResult>, env: Env): Promise<void> {
    await consumePaymentResults(batch, paymentResultDeps(env));
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    const report = await reconcilePayments(env, RECONCILE_MIN_AGE_MS);
    console.log(JSON.stringify({ msg: "payment reconciliation", ...report }));
  },
} satisfies ExportedHandler<Env, PaymentResult>;
