/**
 * Gateway worker entry: the HTTP app, the Durable Object classes it hosts, the consumer
 * of the payment worker's results, and two crons: every minute the views' repair sweep and the
 * notification delivery log's retention, every 10 minutes the rest of housekeeping (payment
 * reconciliation, the databases' size, the payout runs' sums, the payout notices a payouts
 * call left unsent; ./housekeeping.ts).
 */
import type { PaymentResult, RentalKeyMessage } from "../../src/domain/events";
import { meterBatch } from "../../src/lib/metering";
import { meterEnv } from "../../src/lib/metrics";
import { createApp } from "./app";
import { everyMinute, everyTenMinutes } from "./housekeeping";
import { consumePaymentResults, paymentResultDeps } from "./payment-results";
import { consumeRentalKeys, rentalKeyDeps } from "./rental-keys";
import { repairAll, VIEWS_REPAIR_CRON } from "./views-repair";

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
      await everyMinute(env, [repairAll(env).then((report) => console.log(JSON.stringify({ msg: "views repair", ...report })))]);
      return;
    }
    await everyTenMinutes(env);
  },
} satisfies ExportedHandler<Env, PaymentResult | RentalKeyMessage>;
