/**
 * Every ride ends, over HTTP against the local system: a hold declined after boarding
 * (the provider down until the trip started) ends the ride unpaid with dues that the
 * next request is refused for (402) until they are paid; a no-show is refused before
 * NO_SHOW_WAIT_S and cancels after it with the fee captured (an operator can refund the fee; a fee the provider
 * refuses is dropped, and the rider told so); an operator refunds part of
 * a fare, the same request twice refunds once, and too much is 409.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { drive, onlineDriver, requestAndAccept, rideOf, waitForRide, type Ride } from "../support/rides";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;
let ops: string;

beforeAll(async () => {
  system = await startSystem({ NO_SHOW_WAIT_S: "2", NO_SHOW_FEE: "3000", PAYMENT_WATCHDOG_S: "2", BREAKER_COOLDOWN_S: "1", DISPATCH_RETRY_S: "0.3" });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-endings", "ops");
});
afterAll(async () => system?.stop());

const setPaymentFault = async (mode: "down" | "ok") => expect((await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode } } })).status).toBe(200);
type Ledger = { items: { kind: string; outcome: string; amount: number }[] };
const ledgerOf = async (id: string) =>
  (await api.request<Ledger>("GET", `/v1/ops/rides/${id}/payments`, { token: ops })).body.items.map((e) => `${e.kind}:${e.outcome}:${e.amount}`).sort();

/** A ride requested at `at`, accepted, its hold placed, and its driver arrived at the pickup. */
async function arrivedAt(at: { lat: number; lng: number }) {
  const driver = await onlineDriver(api, at);
  const { id, rider } = await requestAndAccept(api, driver, at);
  await waitForRide(api, rider, id, (r) => r.payment.status === "authorized", "the hold");
  expect((await api.request("POST", `/v1/rides/${id}/arrive`, { token: driver.token })).status).toBe(200);
  return { driver, id, rider };
}

describe("every ride ends", () => {
  it("the reference lists the new endpoints of the contract", async () => {
    const doc = await api.request<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/me/dues", "/v1/me/dues/pay", "/v1/rides/{id}/no-show", "/v1/ops/rides/{id}/refund", "/v1/ops/views/replay"]),
    );
  });

  it("a hold declined after boarding: completed with payment failed, dues, 402 until paid", async () => {
    const at = { lat: 37.55, lng: 127.0 };
    const driver = await onlineDriver(api, at);
    await setPaymentFault("down");
    let id: string;
    let rider: string;
    try {
      ({ id, rider } = await requestAndAccept(api, driver, at, "pm_card_chargeDeclined"));
      for (const step of ["arrive", "start"]) expect((await api.request("POST", `/v1/rides/${id}/${step}`, { token: driver.token })).status).toBe(200);
      expect((await rideOf(api, rider, id)).payment.status).toBe("pending");
    } finally {
      await setPaymentFault("ok");
    }
    await waitForRide(api, rider, id, (r) => r.payment.status === "declined", "the late decline", 60_000);
    const ended = await api.request<Ride>("POST", `/v1/rides/${id}/complete`, { token: driver.token, body: { distanceMeters: 3000, durationSeconds: 500 } });
    expect(ended.body).toMatchObject({ status: "completed", payment: { status: "failed" } });
    const fare = ended.body.fare!.amount;

    const request = { pickup: at, dropoff: { lat: at.lat + 0.02, lng: at.lng }, product: "standard", paymentMethod: "pm_card_visa" };
    const refused = await api.request<{ code: string; dues: { amount: number } }>("POST", "/v1/rides", { token: rider, body: request });
    expect(refused.status).toBe(402);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ code: "payment_required", dues: { amount: fare, currency: "KRW" } });
    expect((await api.request("GET", "/v1/me/dues", { token: rider })).body).toMatchObject({ dues: { amount: fare }, items: [{ rideId: id }] });
    expect((await api.request("POST", "/v1/me/dues/pay", { token: rider, body: { paymentMethod: "pm_card_visa" } })).body).toEqual({
      dues: { amount: 0, currency: "KRW" },
    });
    expect((await api.request("POST", "/v1/rides", { token: rider, body: request })).status).toBe(202);

    // The driver is paid regardless; ops see the dues come and go in the stats.
    await eventually(
      async () => {
        const earnings = (await api.request<{ items: { rideId: string }[] }>("GET", "/v1/drivers/me/earnings", { token: driver.token })).body.items;
        return earnings.some((e) => e.rideId === id) ? true : undefined;
      },
      "the driver's earning for the unpaid trip",
      30_000,
    );
  }, 180_000);

  it("a no-show: 409 before the wait; after it cancelled by the driver, the fee captured and the rest released", async () => {
    const at = { lat: 37.45, lng: 126.7 };
    const { driver, id, rider } = await arrivedAt(at);
    const early = await api.request<{ code: string }>("POST", `/v1/rides/${id}/no-show`, { token: driver.token });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe("invalid_transition");
    expect((await api.request("POST", `/v1/rides/${id}/no-show`, { token: rider })).status, "riders report no no-shows").toBe(403);
    await new Promise((r) => setTimeout(r, 2100));
    const noShow = await api.request<Ride>("POST", `/v1/rides/${id}/no-show`, { token: driver.token });
    expect(noShow.status).toBe(200);
    expect(noShow.body).toMatchObject({ status: "cancelled", cancellation: { by: "driver", reason: "rider_no_show" } });
    expect((await api.request<{ status: string }>("GET", "/v1/drivers/me", { token: driver.token })).body.status).toBe("available");
    await waitForRide(api, rider, id, (r) => r.payment.status === "captured", "the fee's capture");
    const ledger = await ledgerOf(id);
    expect(ledger.filter((e) => e.startsWith("capture:succeeded"))).toEqual(["capture:succeeded:3000"]);
    // The driver's app sends the no-show again (its answer lost): the ride, not a 409.
    const again = await api.request<Ride>("POST", `/v1/rides/${id}/no-show`, { token: driver.token });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("cancelled");
    // The rider was there after all: an operator gives the fee back.
    const refund = await api.request<Ride>("POST", `/v1/ops/rides/${id}/refund`, { token: ops, body: { reason: "the rider was at the pickup" } });
    expect(refund.status).toBe(202);
    const refunded = await waitForRide(api, rider, id, (r) => r.payment.status === "refunded", "the fee's refund");
    expect(refunded).toMatchObject({ status: "cancelled", payment: { status: "refunded", refundedAmount: { amount: 3000, currency: "KRW" } } });
    expect((await ledgerOf(id)).filter((e) => e.startsWith("refund:"))).toEqual(["refund:succeeded:3000"]);
  }, 120_000);

  it("a no-show whose fee the provider refuses: the fee is dropped, the hold released, and the rider, told of the fee, is told it is not charged", async () => {
    const at = { lat: 37.46, lng: 126.71 };
    const { driver, id, rider } = await arrivedAt(at);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode: "ok", declineCaptures: true } } })).status).toBe(200);
    try {
      const noShow = await api.request<Ride>("POST", `/v1/rides/${id}/no-show`, { token: driver.token });
      expect(noShow.body).toMatchObject({ status: "cancelled", fare: { amount: 3000 } });
      const dropped = await waitForRide(api, rider, id, (r) => r.payment.status === "voided", "the fee dropped and the hold released", 30_000);
      expect(dropped.fare).toBeNull();
    } finally {
      await setPaymentFault("ok");
    }
    type Delivery = { event: string; recipient: string; status: string };
    const told = await eventually(
      async () => {
        const log = (await api.request<{ items: Delivery[] }>("GET", `/v1/ops/notifications?rideId=${id}&limit=100`, { token: ops })).body.items;
        const sent = log.filter((d) => d.status === "sent").map((d) => d.event);
        return sent.includes("RideCancelled") && sent.includes("PaymentFailed") ? log : undefined;
      },
      "the rider told of the cancellation, then of the fee dropped",
      30_000,
    );
    expect(told.filter((d) => d.event === "PaymentFailed").map((d) => d.status)).toEqual(["sent"]);
  }, 120_000);

  it("refunds: part, the same request again once, too much 409, then the rest; the driver's earnings get negative rows", async () => {
    const at = { lat: 37.6, lng: 126.8 };
    const driver = await onlineDriver(api, at);
    const { id, rider } = await requestAndAccept(api, driver, at);
    await drive(api, driver, id);
    const ride = await waitForRide(api, rider, id, (r) => r.payment.status === "captured", "the capture");
    const fare = ride.fare!.amount;
    const key = { "idempotency-key": uid("refund") };
    const refund = (body: unknown, headers: Record<string, string> = {}) =>
      api.request<{ code?: string }>("POST", `/v1/ops/rides/${id}/refund`, { token: ops, body, headers });
    expect((await refund({ amount: 1000, reason: "detour" }, key)).status).toBe(202);
    expect((await refund({ amount: 1000, reason: "detour" }, key)).status).toBe(202);
    const over = await refund({ amount: fare, reason: "everything" });
    expect(over.status).toBe(409);
    await waitForRide(api, rider, id, (r) => r.payment.status === "refunded", "the refund");
    expect((await refund({ reason: "the rest" })).status).toBe(202);
    const done = await waitForRide(
      api,
      rider,
      id,
      (r) => (r.payment as { refundedAmount?: { amount: number } }).refundedAmount?.amount === fare,
      "the full refund",
    );
    expect(done.payment).toEqual({ status: "refunded", refundedAmount: { amount: fare, currency: "KRW" } });
    expect((await ledgerOf(id)).filter((e) => e.startsWith("refund:"))).toEqual([`refund:succeeded:${fare - 1000}`, "refund:succeeded:1000"].sort());
    const total = await eventually(
      async () => {
        const body = (
          await api.request<{ items: { rideId: string; earning: { amount: number } }[]; total: { amount: number } }>("GET", "/v1/drivers/me/earnings", {
            token: driver.token,
          })
        ).body;
        return body.items.filter((i) => i.rideId === id).length === 3 ? body.total.amount : undefined;
      },
      "the negative earnings rows",
      30_000,
    );
    expect(total, "refunding the whole fare in pieces takes back exactly the driver's earning").toBe(0);
  }, 120_000);

  it("a refund the provider declines is an open payment problem for the operators until a refund of the ride is made", async () => {
    const at = { lat: 37.61, lng: 126.81 };
    const driver = await onlineDriver(api, at);
    const { id, rider } = await requestAndAccept(api, driver, at);
    await drive(api, driver, id);
    await waitForRide(api, rider, id, (r) => r.payment.status === "captured", "the capture");
    type Stats = { openPaymentProblems: { rideId: string; problem: string }[] };
    const problemsOf = async () =>
      (await api.request<Stats>("GET", "/v1/ops/stats", { token: ops })).body.openPaymentProblems.filter((p) => p.rideId === id).map((p) => p.problem);
    expect(await problemsOf()).toEqual([]);
    const refund = (reason: string, amount = 1000) =>
      api.request("POST", `/v1/ops/rides/${id}/refund`, { token: ops, body: { amount, reason }, headers: { "idempotency-key": uid("refund") } });
    expect((await api.request("PUT", "/v1/dev/faults", { body: { payment: { mode: "ok", declineRefunds: true } } })).status).toBe(200);
    try {
      expect((await refund("detour")).status).toBe(202);
      await eventually(async () => ((await problemsOf()).includes("refund_declined") ? true : undefined), "the declined refund listed", 30_000);
    } finally {
      await setPaymentFault("ok");
    }
    expect((await rideOf(api, rider, id)).payment.status, "the rider's fare stays captured").toBe("captured");
    // A smaller refund made after it leaves the rest of the decline open: still listed once the views have it.
    expect((await refund("detour, in part", 400)).status).toBe(202);
    await waitForRide(api, rider, id, (r) => r.payment.status === "refunded", "the smaller refund made");
    await eventually(
      async () => {
        const listed = await api.request<{ items: Ride[] }>("GET", "/v1/rides", { token: rider });
        return listed.body.items.find((r) => r.id === id)?.payment.status === "refunded" ? true : undefined;
      },
      "the smaller refund in the views",
      30_000,
    );
    expect(await problemsOf()).toEqual(["refund_declined"]);
    expect((await refund("detour, the rest", 600)).status).toBe(202);
    await eventually(async () => ((await problemsOf()).length === 0 ? true : undefined), "the problem settled", 30_000);
  }, 120_000);
});
