/**
 * Rental fixtures for the integration tests: a vehicle registered, a rental created on it
 * through its Rental DO, and paid through the real payment worker.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { outstandingStep, paymentCommand } from "../../src/domain/rental/machine";
import type { RentalRecord } from "../../src/domain/rental/types";
import type { RentalDurableObject } from "../../src/durable-objects/rental";
import { rentalStub, rentalVehicleStub } from "../../src/durable-objects/stubs";
import { unwrap } from "../../src/lib/problem";
import paymentWorker from "../../workers/payment/index";
import { resultsApplied, testEnv, uniqueId } from "./helpers";

export const krw = (amount: number) => ({ amount, currency: "KRW" as const });
/** An id of the format the objects' names take (`rv_…`, `rn_…`). */
export const idOf = (prefix: string) =>
  `${prefix}_${uniqueId("t")
    .replace(/[^a-z0-9]/g, "")
    .padEnd(24, "0")
    .slice(0, 24)}`;

/** A bike registered at one place, free. */
export async function newVehicle() {
  const id = idOf("rv");
  unwrap(await rentalVehicleStub(testEnv, id).register({ id, kind: "bike", location: { lat: 37.5, lng: 127 }, hourlyRate: krw(2000) }, "c"));
  return id;
}

/** What the gateway hands the Rental DO for a two-hour rental of `vehicleId`. */
export function input(vehicleId: string, patch: { riderId?: string; paymentMethod?: string; requestHash?: string } = {}) {
  return {
    rentalId: idOf("rn"),
    riderId: patch.riderId ?? uniqueId("r"),
    vehicleId,
    hours: 2,
    price: krw(4000),
    paymentMethod: patch.paymentMethod ?? "pm_card_visa",
    locale: "ko" as const,
    correlationId: "corr",
    requestHash: patch.requestHash ?? "h1",
  };
}

/** A rental created on a new vehicle (requested, the vehicle held). */
export async function created(patch: Parameters<typeof input>[1] = {}) {
  const vehicleId = await newVehicle();
  const i = input(vehicleId, patch);
  const stub = rentalStub(testEnv, i.rentalId);
  unwrap(await stub.create(i));
  return { stub, i, vehicleId, rider: { id: i.riderId, role: "rider" as const } };
}

/** The Rental DO's stored record. */
export const recordOf = (stub: DurableObjectStub<RentalDurableObject>) =>
  runInDurableObject(
    stub,
    (_i: RentalDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM rental").one().record) as RentalRecord,
  );

/** Runs the rental's two payment steps (authorise, capture) through the real payment worker; its results reach the rental at once. */
export async function payThroughWorker(stub: DurableObjectStub<RentalDurableObject>): Promise<void> {
  for (let n = 0; n < 2; n++) {
    const record = await recordOf(stub);
    const step = outstandingStep(record);
    if (!step) throw new Error(`no payment step outstanding: the rental is ${record.rental.status}`);
    const batch = createMessageBatch<PaymentCommandMessage>("ride-payments", [
      { id: uniqueId("m"), timestamp: Date.now(), attempts: 1, body: paymentCommand(record, step, "t") },
    ]);
    await paymentWorker.queue(batch, resultsApplied);
    const { retryMessages } = await getQueueResult(batch, createExecutionContext());
    if (retryMessages.length > 0) throw new Error(`the payment worker retried the ${step} step`);
  }
}
