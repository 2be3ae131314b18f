/**
 * The whole system with PAYMENT_PROVIDER=stripe, against a local server that answers
 * in Stripe's documented format: holds, captures and cancellations go out as
 * PaymentIntent calls, each with the step's Idempotency-Key; a driver's payout is a
 * transfer to their connected account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { startFakeStripe } from "../support/fake-stripe";
import { drive, onlineDriver, requestAndAccept, waitForRide, type Ride } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
let system: RunningSystem;
let api: Api;

beforeAll(async () => {
  stripe = await startFakeStripe("sk_test_e2e_0123456789");
  system = await startSystem({ PAYMENT_PROVIDER: "stripe", STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: stripe.apiKey, DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
});
afterAll(async () => {
  await system?.stop();
  await stripe?.stop();
});

describe("with the Stripe adapter", () => {
  it("a completed ride is a manual-capture PaymentIntent, captured once for the fare", async () => {
    const at = { lat: 35.3, lng: 129.0 };
    const driver = await onlineDriver(api, at);
    const { rider, id } = await requestAndAccept(api, driver, at);
    await waitForRide(api, rider, id, (r) => r.payment.status === "authorized", "the hold");
    await drive(api, driver, id);
    const done = await waitForRide(api, rider, id, (r) => r.status === "completed", "completion");
    expect(done.payment.status).toBe("captured");
    const mine = stripe.calls.filter((c) => c.idempotencyKey?.startsWith(id));
    const create = mine.find((c) => c.path === "/v1/payment_intents")!;
    expect(create).toMatchObject({
      idempotencyKey: `${id}:authorize`,
      form: { capture_method: "manual", confirm: "true", currency: "krw", "metadata[ride_id]": id },
    });
    const captures = mine.filter((c) => c.path.endsWith("/capture"));
    expect(captures.map((c) => c.idempotencyKey)).toEqual([`${id}:capture`]);
    expect(captures[0]!.form.amount_to_capture).toBe(String(done.fare!.amount));
  });

  it("a declined card cancels the ride payment_declined; a cancelled ride's intent is cancelled", async () => {
    const at = { lat: 35.6, lng: 129.0 };
    const rider = await api.token(uid("r"), "rider");
    const declined = await api.request<Ride>("POST", "/v1/rides", {
      token: rider,
      body: { pickup: at, dropoff: { lat: 35.62, lng: 129.02 }, product: "standard", paymentMethod: "pm_card_chargeDeclined" },
    });
    const cancelled = await waitForRide(api, rider, declined.body.id, (r) => r.status === "cancelled", "the decline");
    expect(cancelled.cancellation).toEqual({ by: "system", reason: "payment_declined" });

    const driver = await onlineDriver(api, at);
    const ride = await requestAndAccept(api, driver, at);
    await waitForRide(api, ride.rider, ride.id, (r) => r.payment.status === "authorized", "the hold");
    expect((await api.request("POST", `/v1/rides/${ride.id}/cancel`, { token: ride.rider })).status).toBe(200);
    await waitForRide(api, ride.rider, ride.id, (r) => r.payment.status === "voided", "the void");
    const cancel = await eventually(async () => stripe.calls.find((c) => c.idempotencyKey === `${ride.id}:void`), "the cancel call");
    expect(cancel.path).toMatch(/^\/v1\/payment_intents\/pi_\d+\/cancel$/);
    expect([...stripe.intents.values()].find((i) => i.metadata.ride_id === ride.id)?.status).toBe("canceled");
  });

  it("a payout is a transfer to the driver's connected account; without an account on file nothing is claimed or sent: the balance waits", async () => {
    const ops = await api.token("ops-stripe-payouts", "ops");
    const at = { lat: 35.9, lng: 129.0 };
    const driver = await onlineDriver(api, at);
    const { rider, id } = await requestAndAccept(api, driver, at);
    await drive(api, driver, id);
    await waitForRide(api, rider, id, (r) => r.payment.status === "captured", "the capture");
    type Payout = { id: string; status: string; amount: { amount: number }; detail: string | null };
    const payoutsOf = async () => (await api.request<{ items: Payout[] }>("GET", `/v1/ops/payouts?driverId=${driver.id}`, { token: ops })).body.items;
    const owed = await eventually(async () => {
      const b = (await api.request<{ owed: { amount: number } }>("GET", "/v1/drivers/me/balance", { token: driver.token })).body;
      return b.owed.amount > 0 ? b.owed.amount : undefined;
    }, "the settlement");

    const transfersBefore = stripe.calls.filter((c) => c.path === "/v1/transfers").length;
    const waiting = await api.request<{ waitingForAccount: number }>("POST", "/v1/ops/payouts", { token: ops, body: {} });
    expect(waiting.status).toBe(202);
    expect(waiting.body.waitingForAccount).toBeGreaterThanOrEqual(1);
    expect(await payoutsOf(), "no refused payout (nor its notice) at every run").toEqual([]);
    expect(stripe.calls.filter((c) => c.path === "/v1/transfers").length).toBe(transfersBefore);
    expect((await api.request("GET", "/v1/drivers/me/balance", { token: driver.token })).body).toMatchObject({ owed: { amount: owed } });

    const account = await api.request("PUT", `/v1/ops/drivers/${driver.id}/payout-account`, { token: ops, body: { accountId: "acct_1DriverE2e" } });
    expect(account.status).toBe(200);
    expect((await api.request("PUT", `/v1/ops/drivers/${driver.id}/payout-account`, { token: ops, body: { accountId: "bank-1" } })).status).toBe(400);
    expect((await api.request("POST", "/v1/ops/payouts", { token: ops, body: {} })).status).toBe(202);
    const [paid] = await payoutsOf();
    expect(paid).toMatchObject({ status: "succeeded", amount: { amount: owed } });
    const transfer = stripe.calls.find((c) => c.path === "/v1/transfers" && c.form.destination === "acct_1DriverE2e");
    expect(transfer).toMatchObject({ idempotencyKey: paid!.id, form: { amount: String(owed), currency: "krw", "metadata[driver_id]": driver.id } });
    expect((await api.request("GET", "/v1/drivers/me/balance", { token: driver.token })).body).toMatchObject({ owed: { amount: 0 }, paid: { amount: owed } });
  });
});
