/**
 * A ride's payment steps run by hand in the integration worker: the step a ride waits for,
 * and a batch of them through the payment worker, whose results are applied to the rides at
 * once (no queue consumer runs here).
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import type { PaymentCommandMessage } from "../../src/domain/events";
import type { CreateRideInput } from "../../src/ride/ride-record";
import { unwrap } from "../../src/lib/problem";
import { outstandingPaymentStep, paymentCommand, type RideRecord } from "../../src/domain/ride-machine";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import paymentWorker from "../../workers/payment/index";
import { resultsApplied, rideInProgress, uniqueId } from "./helpers";

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

/**
 * A ride driven to the end through the payment worker: its hold, the trip, then its last step
 * (the capture; or, for `pm_card_chargeDeclined`, the platform's settle of the driver).
 */
export async function rideDone(patch: Partial<CreateRideInput> = {}) {
  const { stub, driver, ride } = await rideInProgress(patch);
  await deliver([await outstanding(stub)]); // the hold
  unwrap(await stub.advance(driver.id, "complete", { distanceMeters: 4000, durationSeconds: 600 }, "req"));
  const last = await outstanding(stub); // the capture, or the settle
  await deliver([last]);
  return { stub, driver, ride, last };
}
