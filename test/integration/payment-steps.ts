/**
 * A ride's payment steps run by hand in the integration worker: the step a ride waits for,
 * and a batch of them through the payment worker, whose results are applied to the rides at
 * once (no queue consumer runs here).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { outstandingPaymentStep, paymentCommand, type RideRecord } from "../../src/domain/ride-machine";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import paymentWorker from "../../workers/payment/index";
import { resultsApplied, uniqueId } from "./helpers";

/** The ride's record as its object stores it. */
export async function recordOf(stub: DurableObjectStub<RideDurableObject>): Promise<RideRecord> {
  return runInDurableObject(
    stub,
    (_i: RideDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord,
  );
}

/** The payment step the ride waits for, as the payment worker would receive it. */
export async function outstanding(stub: DurableObjectStub<RideDurableObject>): Promise<PaymentCommandMessage> {
  const record = await recordOf(stub);
  const step = outstandingPaymentStep(record);
  if (!step) throw new Error(`no payment step outstanding (${record.ride.status}/${record.ride.payment.status})`);
  return paymentCommand(record, step, "test");
}

/** Runs a batch through the payment worker; its results are applied to the rides at once. */
export async function deliver(bodies: PaymentCommandMessage[]) {
  const batch = createMessageBatch<PaymentCommandMessage>(
    "ride-payments",
    bodies.map((body) => ({ id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body })),
  );
  const execution = createExecutionContext();
  await paymentWorker.queue(batch, resultsApplied);
  return getQueueResult(batch, execution);
}
