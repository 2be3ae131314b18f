import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject } from "cloudflare:test";
import type { PaymentResult } from "../../src/domain/events";
import type { DriverDurableObject } from "../../src/durable-objects/driver";
import type { RideDurableObject } from "../../src/durable-objects/ride";
import type { RideRecord } from "../../src/domain/ride-machine";
import type { DriverRecord } from "../../src/driver/types";
import type { CreateRideInput } from "../../src/ride/ride-record";
import { unwrap } from "../../src/lib/problem";
import { consumePaymentResults, paymentResultDeps } from "../../workers/gateway/payment-results";

export type TestEnv = Env & PaymentEnv & NotificationEnv & ViewsEnv & { WEBHOOK_SINK: Fetcher };
export const testEnv = env as unknown as TestEnv;

/**
 * testEnv whose ride-payment-results queue hands each result straight to the gateway's
 * consumer: a test that runs a payment batch sees the ride updated when the batch is
 * done. (The real queue, also configured here, delivers it a moment later; tests that
 * go through it wait for the ride.)
 */
export const resultsApplied: TestEnv = {
  ...testEnv,
  PAYMENT_RESULTS_QUEUE: {
    async send(result: PaymentResult) {
      const batch = createMessageBatch<PaymentResult>("ride-payment-results", [{ id: uniqueId("res"), timestamp: Date.now(), attempts: 1, body: result }]);
      const ctx = createExecutionContext();
      await consumePaymentResults(batch, paymentResultDeps(testEnv));
      const outcome = await getQueueResult(batch, ctx);
      if (outcome.retryMessages.length > 0) throw new Error(`the ride did not take the ${result.action} result`);
    },
  } as unknown as Queue,
};

let n = 0;
/**
 * An object's SQL as the object runs it (through its schema, made on the first write): what a
 * test inside `runInDurableObject` uses on an object that may not have been written yet.
 *
 * @example
 * await runInDurableObject(stub, (instance) => sqlOf(instance).exec("DELETE FROM breaker"));
 */
export const sqlOf = (instance: unknown): SqlStorage => (instance as { sql: SqlStorage }).sql;

export const uniqueId = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${(n++).toString(36).padStart(4, "0")}${Math.random().toString(36).slice(2, 12)}`.slice(0, 30);

export function rideStub(rideId: string): DurableObjectStub<RideDurableObject> {
  return testEnv.RIDE.get(testEnv.RIDE.idFromName(rideId));
}

export function rideInput(patch: Partial<CreateRideInput> = {}): CreateRideInput {
  return {
    rideId: `rd_${uniqueId("t")
      .replace(/[^a-z0-9]/g, "")
      .padEnd(24, "0")
      .slice(0, 24)}`,
    riderId: "r1",
    product: "standard",
    pickup: { lat: 37.5219, lng: 126.9245, address: "Yeouido" },
    dropoff: { lat: 37.4982, lng: 126.9531, address: "Sangdo-dong" },
    paymentMethod: "pm_card_visa",
    quote: { amount: 9800, currency: "KRW" },
    distanceMeters: 4700,
    durationSeconds: 680,
    locale: "ko",
    correlationId: "corr-1",
    requestHash: "h1",
    ...patch,
  };
}

/**
 * Creates a ride through its DO and returns its stub, view and input, once its first
 * dispatch round (which the alarm runs at once) is done: what a test looks at next is not
 * moved under it by that round.
 */
export async function createRide(patch: Partial<CreateRideInput> = {}) {
  const input = rideInput(patch);
  const stub = rideStub(input.rideId);
  const { ride } = unwrap(await stub.create(input));
  await firstRound(stub);
  return { stub, ride, input };
}

/**
 * Waits until the ride's first dispatch round ran: the round due at its creation is no longer
 * due (a round that finds nobody commits nothing, so the record alone cannot tell).
 */
export async function firstRound(stub: DurableObjectStub<RideDurableObject>): Promise<void> {
  const since = Date.now();
  const roundDue = (): Promise<boolean> =>
    runInDurableObject(stub, (_i: RideDurableObject, state) => {
      const due = state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = 'dispatch'").toArray()[0];
      return due !== undefined && due.due_at <= since;
    });
  await until(async () => ((await roundDue()) ? undefined : true), "the first dispatch round");
}

export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Changes the Driver DO's stored record as time would have (a report long ago, a write long ago). */
export function age(stub: DurableObjectStub<DriverDurableObject>, change: (record: DriverRecord) => DriverRecord) {
  return runInDurableObject(stub, (_i: DriverDurableObject, state) => {
    const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM driver").one().record) as DriverRecord;
    state.storage.sql.exec("UPDATE driver SET record = ?", JSON.stringify(change(record)));
  });
}

/** The Driver DO's stored record. */
export const driverRecordOf = (stub: DurableObjectStub<DriverDurableObject>) =>
  runInDurableObject(
    stub,
    (_i: DriverDurableObject, state) => JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM driver").one().record) as DriverRecord,
  );

let places = 0;
/** A reservation as an offer of `rideId` (a pickup in Seoul, 15 s to answer), for a Driver DO's `reserve`. */
export const offerOf = (rideId: string) => ({
  kind: "offer" as const,
  offer: {
    rideId,
    pickup: { lat: 37.5, lng: 127 },
    dropoff: { lat: 37.51, lng: 127.01 },
    product: "standard" as const,
    quote: { amount: 9800, currency: "KRW" as const },
    expiresAt: new Date(Date.now() + 15_000).toISOString(),
  },
});

/**
 * A pickup no other call in this test file gets near: each call is 0.2° (about 20 km, four
 * search radii) from every other. A ride or driver one test leaves behind (a ride still
 * waiting for a driver, a driver still available) must not take another test's: a driver
 * going online wakes the oldest ride waiting near them, which need not be the test's own.
 * @example const pickup = apart(); // { lat: 30, lng: 124 }, then { lat: 30, lng: 124.2 }, …
 */
export function apart(): { lat: number; lng: number } {
  const k = places++;
  return { lat: 30 + Math.floor(k / 20) * 0.2, lng: 124 + (k % 20) * 0.2 };
}

/** A driver registered, approved and online at `at`. */
export async function onlineDriver(at: { lat: number; lng: number }) {
  const id = uniqueId("d");
  const stub = testEnv.DRIVER.get(testEnv.DRIVER.idFromName(id));
  await stub.register(id, { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } }, true, "c");
  unwrap(await stub.goOnline(at, "c"));
  return { id, stub };
}

/**
 * A ride taken through dispatch (the real alarm and dispatch cells), accepted, arrived
 * and started: ready to be completed.
 */
export async function rideInProgress(patch: Partial<CreateRideInput> = {}) {
  const pickup = apart();
  const driver = await onlineDriver(pickup);
  const { stub, ride, input } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 }, ...patch });
  await until(async () => ((await driver.stub.offers()).some((o) => o.rideId === ride.id) ? true : undefined), "the offer");
  unwrap(await stub.accept(driver.id, "req"));
  unwrap(await stub.advance(driver.id, "arrive", {}, "req"));
  unwrap(await stub.advance(driver.id, "start", {}, "req"));
  return { stub, ride, input, driver };
}

/**
 * A dispatching ride and a driver reserved for it (an offer: this worker dispatches in offer
 * mode) that the ride never committed: what a ride's instance dying between the Driver DO's
 * reservation and its own commit leaves. The ride's record names the driver as written ahead
 * (`reserving`) when `writtenAhead`; else it does not know them at all (a release lost too).
 */
export async function reservedBehindRide(writtenAhead: boolean, offeredUntil = Date.now() + 15_000) {
  const pickup = apart();
  const { stub, ride, input } = await createRide({ pickup, dropoff: { lat: pickup.lat + 0.02, lng: pickup.lng + 0.02 } });
  // Far from the pickup (about 14 km, and as far from every other `apart()`): their going online
  // must not wake the ride (it would reserve them itself).
  const driver = await onlineDriver({ lat: pickup.lat + 0.1, lng: pickup.lng + 0.1 });
  const { id: rideId, dropoff, product, quote } = ride;
  const offer = { rideId, pickup: ride.pickup, dropoff, product, quote, expiresAt: new Date(offeredUntil).toISOString() };
  unwrap(await driver.stub.reserve({ kind: "offer", offer }, 30, "round"));
  await runInDurableObject(stub, (_i: RideDurableObject, state) => {
    const record = JSON.parse(state.storage.sql.exec<{ record: string }>("SELECT record FROM ride").one().record) as RideRecord;
    if (record.ride.status !== "dispatching" || record.ride.driver) throw new Error(`the ride moved on: ${record.ride.status}`);
    if (writtenAhead) state.storage.sql.exec("UPDATE ride SET record = ?", JSON.stringify({ ...record, reserving: driver.id }));
  });
  return { stub, ride, input, driver };
}
