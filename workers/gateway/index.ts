/**
 * Gateway worker entry: the HTTP app, the Durable Object classes it hosts, the consumer
 * of the payment worker's results, and two crons: payment reconciliation and the
 * notification delivery log's retention (every 10 minutes), and the views' repair sweep
 * (every minute).
 */
import type { PaymentResult, RentalKeyMessage } from "../../src/domain/events";
import { meterBatch } from "../../src/lib/metering";
import { meterEnv } from "../../src/lib/metrics";
import { createApp } from "./app";
import { consumePaymentResults, paymentResultDeps, reconcilePayments } from "./payment-results";
import { consumeRentalKeys, rentalKeyDeps } from "./rental-keys";
import { repairAll, VIEWS_REPAIR_CRON } from "./views-repair";
import { deliveryCutoff, pruneDeliveries } from "../../src/views/retention";

export { RideDurableObject } from "../../src/durable-objects/ride";
export { DriverDurableObject } from "../../src/durable-objects/driver";
export { DispatchCellDurableObject } from "../../src/durable-objects/dispatch-cell";
export { DispatchDistrictDurableObject } from "../../src/durable-objects/dispatch-district";
export { RiderDurableObject } from "../../src/durable-objects/rider";
export { RentalDurableObject } from "../../src/durable-objects/rental";
export { RentalVehicleDurableObject } from "../../src/durable-objects/rental-vehicle";
export { KeyIssuerDurableObject } from "../../src/durable-objects/key-issuer";
export { FleetDurableObject } from "../../src/durable-objects/fleet";
export { OpsFeedDurableObject } from "../../src/durable-objects/ops-feed";

const app = createApp();

/** Reconciliation leaves young holds alone: their ride may still be on its way to a capture. */
const RECONCILE_MIN_AGE_MS = 5 * 60_000;
/** Deliveries one retention run deletes at most: 720,000 a day, the log of about 140,000 rides a day. */
const PRUNE_MAX_ROWS = 5_000;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    meterEnv(env); // development metrics (GET /v1/dev/metrics): on in development only
    return app.fetch(request, env, ctx);
  },

  async queue(batch: MessageBatch<PaymentResult | RentalKeyMessage>, env: Env): Promise<void> {
    env = meterBatch(env, "gateway", batch);
    if (batch.queue.startsWith("rental-keys")) await consumeRentalKeys(batch as MessageBatch<RentalKeyMessage>, rentalKeyDeps(env));
    else await consumePaymentResults(batch as MessageBatch<PaymentResult>, paymentResultDeps(env));
  },

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    meterEnv(env);
    if (controller.cron === VIEWS_REPAIR_CRON) {
      console.log(JSON.stringify({ msg: "views repair", ...(await repairAll(env)) }));
      return;
    }
    // Each on its own: a payment worker that does not answer must not stop the log's retention, nor the other way round.
    const before = deliveryCutoff(new Date());
    const [reconciled, pruned] = await Promise.allSettled([
      reconcilePayments(env, RECONCILE_MIN_AGE_MS),
      pruneDeliveries(env.VIEWS_DB, before, PRUNE_MAX_ROWS),
    ]);
    if (pruned.status === "fulfilled") console.log(JSON.stringify({ msg: "delivery log pruned", pruned: pruned.value, before }));
    if (reconciled.status === "fulfilled") console.log(JSON.stringify({ msg: "payment reconciliation", ...reconciled.value }));
    const failed = [reconciled, pruned].find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  },
} satisfies ExportedHandler<Env, PaymentResult | RentalKeyMessage>;
