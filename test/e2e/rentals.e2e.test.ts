/**
 * Shared-vehicle rentals over HTTP against the local system: an operator registers a
 * vehicle, a rider rents it (charged in full, confirmed, the key issued by the key
 * service over its queue), unlocks and returns it; a declined card; one Idempotency-Key,
 * one rental; two riders racing for one vehicle; the key service down (confirmed at once,
 * the key later by itself, with a notification); a cancel (key invalid before the refund,
 * refunded once); a refund the provider declines, sent again by an operator; and the
 * rider's and the operators' lists agree with the rentals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Api, eventually, uid } from "../support/client";
import { startSystem, type RunningSystem } from "../support/system";

let system: RunningSystem;
let api: Api;
let ops: string;

type Rental = {
  id: string;
  vehicleId: string;
  riderId: string;
  hours: number;
  price: { amount: number };
  status: string;
  unlockKey: string | null;
  payment: { status: string };
};
type Vehicle = { id: string; status: string; hourlyRate: { amount: number }; location: { lat: number; lng: number } };
type Problem = { code: string };

beforeAll(async () => {
  system = await startSystem({ PAYMENT_WATCHDOG_S: "5" });
  api = new Api(system.baseUrl);
  ops = await api.token("ops-rentals", "ops");
});
afterAll(async () => system?.stop());

let spot = 0;
/** A vehicle of its own, far from the others, so the nearby lists of each test are their own. */
async function vehicle(hourlyRate = 2500): Promise<Vehicle> {
  spot += 1;
  const location = { lat: 37.4 + spot * 0.05, lng: 126.8 + spot * 0.05 };
  const res = await api.request<Vehicle>("POST", "/v1/ops/rental-vehicles", {
    token: ops,
    body: { kind: "scooter", location, hourlyRate: { amount: hourlyRate, currency: "KRW" } },
  });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ kind: "scooter", location, hourlyRate: { amount: hourlyRate, currency: "KRW" }, status: "available" });
  return res.body;
}

const near = async (v: Vehicle, token: string) =>
  (await api.request<{ items: Vehicle[] }>("GET", `/v1/rental-vehicles?lat=${v.location.lat}&lng=${v.location.lng}&radius=500`, { token })).body.items;
const listed = (v: Vehicle, token: string, available: boolean, what: string) =>
  eventually(async () => ((await near(v, token)).some((x) => x.id === v.id) === available ? true : undefined), what, 30_000);
const rent = (token: string, vehicleId: string, paymentMethod = "pm_card_visa", key: string = uid("rent")) =>
  api.request<Rental & Problem>("POST", "/v1/rentals", { token, body: { vehicleId, hours: 2, paymentMethod }, headers: { "idempotency-key": key } });
const rentalOf = async (token: string, id: string) => (await api.request<Rental>("GET", `/v1/rentals/${id}`, { token })).body;
const waitFor = (token: string, id: string, ok: (r: Rental) => boolean, what: string, ms = 30_000) =>
  eventually(
    async () => {
      const r = await rentalOf(token, id);
      return ok(r) ? r : undefined;
    },
    what,
    ms,
  );
const unlock = async (token: string, id: string, key: string) => (await api.request("POST", `/v1/rentals/${id}/unlock`, { token, body: { key } })).status;
const setKeys = async (mode: "ok" | "down") => expect((await api.request("PUT", "/v1/dev/faults", { body: { keys: { mode } } })).status).toBe(200);

describe("rentals", () => {
  it("the reference lists every rental endpoint", async () => {
    const doc = await api.request<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/ops/rental-vehicles",
        "/v1/rental-vehicles",
        "/v1/rentals",
        "/v1/rentals/{id}",
        "/v1/rentals/{id}/cancel",
        "/v1/rentals/{id}/unlock",
        "/v1/rentals/{id}/return",
        "/v1/ops/rentals",
        "/v1/ops/rentals/{id}/refund",
      ]),
    );
  });

  it("bad requests: 401 before 400, 400 for a bad body, 404 for an unknown vehicle or rental", async () => {
    expect((await api.request("POST", "/v1/rentals", { body: { nonsense: true } })).status).toBe(401);
    const rider = await api.token(uid("r"), "rider");
    expect((await api.request("POST", "/v1/rentals", { token: rider, body: { vehicleId: "rv_x", hours: 0 } })).status).toBe(400);
    expect((await api.request("POST", "/v1/ops/rental-vehicles", { token: rider, body: {} })).status).toBe(403);
    expect((await rent(rider, "rv_0000000000000000000000000")).status).toBe(404);
    expect((await api.request("GET", "/v1/rentals/rn_nope", { token: rider })).status).toBe(404);
  });

  it("happy path: rented, charged, confirmed, key, unlock, return; the vehicle available again", async () => {
    const v = await vehicle(2500);
    const rider = await api.token(uid("r"), "rider");
    await listed(v, rider, true, "the new vehicle near its place");
    const created = await rent(rider, v.id);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ vehicleId: v.id, hours: 2, price: { amount: 5000, currency: "KRW" }, status: "requested", unlockKey: null });
    const id = created.body.id;
    const confirmed = await waitFor(rider, id, (r) => r.status === "confirmed", "the rental confirmed");
    expect(confirmed.payment.status).toBe("captured");
    const keyed = await waitFor(rider, id, (r) => r.unlockKey !== null, "the unlock key");
    expect(keyed.unlockKey).toMatch(/^\d{4}$/);
    const key = keyed.unlockKey!;
    // Others never see the key; a stranger not even the rental.
    expect((await rentalOf(ops, id)).unlockKey).toBeNull();
    expect((await api.request("GET", `/v1/rentals/${id}`, { token: await api.token(uid("r"), "rider") })).status).toBe(404);
    expect(await unlock(rider, id, key === "0000" ? "0001" : "0000")).toBe(403);
    expect((await api.request("POST", `/v1/rentals/${id}/unlock`, { token: rider, body: { key } })).body).toEqual({ unlocked: true });
    await listed(v, rider, false, "the rented vehicle gone from the nearby list");
    const again = await rent(await api.token(uid("r"), "rider"), v.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("vehicle_unavailable");
    const returned = await api.request<Rental>("POST", `/v1/rentals/${id}/return`, { token: rider });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: "completed", unlockKey: null });
    expect(await unlock(rider, id, key)).toBe(403);
    await listed(v, rider, true, "the returned vehicle available again");
    const ledger = await api.request<{ items: { kind: string; outcome: string; amount: number }[] }>("GET", `/v1/ops/rentals/${id}/payments`, { token: ops });
    expect(ledger.body.items.map((e) => `${e.kind}:${e.outcome}:${e.amount}`).sort()).toEqual(["authorize:succeeded:5000", "capture:succeeded:5000"]);
    // The key is written to no log line.
    expect(system.logs.join("").includes(`"${key}"`)).toBe(false);
  }, 120_000);

  it("returned where the rider left it: listed there from then on, not where it was rented; a bad place is 400 and returns nothing", async () => {
    const v = await vehicle();
    const rider = await api.token(uid("r"), "rider");
    const id = (await rent(rider, v.id)).body.id;
    const keyed = await waitFor(rider, id, (r) => r.unlockKey !== null, "the unlock key");
    expect(await unlock(rider, id, keyed.unlockKey!)).toBe(200);

    const bad = await api.request<Problem>("POST", `/v1/rentals/${id}/return`, { token: rider, body: { location: { lat: 91, lng: 0 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_request");
    expect((await rentalOf(rider, id)).status).toBe("confirmed");

    const there = { lat: v.location.lat + 0.02, lng: v.location.lng };
    const returned = await api.request<Rental>("POST", `/v1/rentals/${id}/return`, { token: rider, body: { location: there } });
    expect(returned.status).toBe(200);
    expect(returned.body.status).toBe("completed");
    const moved = { ...v, location: there };
    await listed(moved, rider, true, "the vehicle listed where it was left");
    expect((await near(moved, rider)).find((x) => x.id === v.id)).toMatchObject({ status: "available", location: there });
    expect((await near(v, rider)).some((x) => x.id === v.id)).toBe(false);
    // Sent again (a lost answer), the return answers the rental and moves nothing: no new event, no second release.
    const timeline = async () => (await api.request<{ items: { type: string }[] }>("GET", `/v1/rentals/${id}/events`, { token: ops })).body.items;
    const before = await timeline();
    expect(before.filter((e) => e.type === "VehicleReleased")).toHaveLength(1);
    const again = await api.request<Rental>("POST", `/v1/rentals/${id}/return`, { token: rider, body: { location: v.location } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("completed");
    expect(await timeline()).toEqual(before);
  }, 120_000);

  it("a declined card: the rental declined, the vehicle free again", async () => {
    const v = await vehicle();
    const rider = await api.token(uid("r"), "rider");
    const created = await rent(rider, v.id, "pm_card_chargeDeclined");
    expect(created.status).toBe(202);
    const declined = await waitFor(rider, created.body.id, (r) => r.status === "declined", "the rental declined");
    expect(declined).toMatchObject({ payment: { status: "declined" }, unlockKey: null });
    await listed(v, rider, true, "the vehicle available after the decline");
    expect((await rent(await api.token(uid("r"), "rider"), v.id)).status).toBe(202);
  }, 90_000);

  it("the same Idempotency-Key twice gives one rental", async () => {
    const v = await vehicle();
    const rider = await api.token(uid("r"), "rider");
    const key = uid("same");
    const [a, b] = await Promise.all([rent(rider, v.id, "pm_card_visa", key), rent(rider, v.id, "pm_card_visa", key)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).toBe(b.body.id);
    expect((await rent(rider, v.id, "pm_card_visa", key)).body.id).toBe(a.body.id);
    await eventually(
      async () => {
        const mine = (await api.request<{ items: Rental[] }>("GET", "/v1/rentals", { token: rider })).body.items;
        return mine.length === 1 && mine[0]!.id === a.body.id ? true : undefined;
      },
      "one rental on the rider's page",
      30_000,
    );
  }, 60_000);

  it("two riders racing for one vehicle: one rental, one 409 vehicle_unavailable", async () => {
    const v = await vehicle();
    const [r1, r2] = [await api.token(uid("r"), "rider"), await api.token(uid("r"), "rider")];
    const answers = await Promise.all([rent(r1, v.id), rent(r2, v.id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe("vehicle_unavailable");
    const loser = answers[0]!.status === 409 ? r1 : r2;
    expect((await api.request<{ items: Rental[] }>("GET", "/v1/rentals", { token: loser })).body.items).toEqual([]);
  }, 60_000);

  it("key issuing down: confirmed at once without a key; the key arrives by itself later, and the rider is told", async () => {
    const v = await vehicle();
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    await setKeys("down");
    let id: string;
    try {
      id = (await rent(rider, v.id)).body.id;
      const confirmed = await waitFor(rider, id, (r) => r.status === "confirmed", "confirmed while keys are down", 20_000);
      expect(confirmed.unlockKey).toBeNull();
      await new Promise((r) => setTimeout(r, 3000));
      expect((await rentalOf(rider, id)).unlockKey).toBeNull();
    } finally {
      await setKeys("ok");
    }
    const keyed = await waitFor(rider, id, (r) => r.unlockKey !== null, "the key after the outage", 60_000);
    expect(await unlock(rider, id, keyed.unlockKey!)).toBe(200);
    const hook = await eventually(
      async () => system.webhooks.find((w) => w.json.rideId === id && w.json.event === "RentalKeyIssued"),
      "the key notification",
      30_000,
    );
    expect(hook.json).toMatchObject({ recipient: riderId, locale: "ko" });
    expect(hook.body.includes(keyed.unlockKey!)).toBe(false);
  }, 120_000);

  it("cancel: the key invalidated before the refund, the old key 403, refunded exactly once; cancelling again answers 200", async () => {
    const v = await vehicle(3000);
    const rider = await api.token(uid("r"), "rider");
    const id = (await rent(rider, v.id)).body.id;
    const key = (await waitFor(rider, id, (r) => r.unlockKey !== null, "the key")).unlockKey!;
    const cancelled = await api.request<Rental>("POST", `/v1/rentals/${id}/cancel`, { token: rider });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", unlockKey: null });
    expect(await unlock(rider, id, key)).toBe(403);
    expect((await api.request<Rental>("POST", `/v1/rentals/${id}/cancel`, { token: rider })).body.status).toBe("cancelled");
    const refunded = await waitFor(rider, id, (r) => r.payment.status === "refunded", "the refund");
    expect(refunded.unlockKey).toBeNull();
    const timeline = (await api.request<{ items: { type: string }[] }>("GET", `/v1/rentals/${id}/events`, { token: rider })).body.items.map((e) => e.type);
    expect(timeline.indexOf("UnlockKeyInvalidated")).toBeGreaterThan(-1);
    expect(timeline.indexOf("UnlockKeyInvalidated")).toBeLessThan(timeline.indexOf("PaymentRefunded"));
    expect(timeline.filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    const ledger = await api.request<{ items: { kind: string; outcome: string }[] }>("GET", `/v1/ops/rentals/${id}/payments`, { token: ops });
    expect(ledger.body.items.filter((e) => e.kind === "refund" && e.outcome === "succeeded")).toHaveLength(1);
    expect(await unlock(rider, id, key)).toBe(403);
    await listed(v, rider, true, "the vehicle free after the cancel");
  }, 90_000);

  it("cancelled while its payment is in flight: cancelled at once, the vehicle free; the hold the late answer placed is voided, nothing charged", async () => {
    const v = await vehicle(1500);
    const rider = await api.token(uid("r"), "rider");
    const setPayment = async (payment: Record<string, unknown>) => expect((await api.request("PUT", "/v1/dev/faults", { body: { payment } })).status).toBe(200);
    await setPayment({ mode: "slow", latencyMs: 3000 });
    let id: string;
    try {
      const created = await rent(rider, v.id);
      expect(created.status).toBe(202);
      id = created.body.id;
      expect((await rentalOf(rider, id)).status).toBe("requested");
      const cancelled = await api.request<Rental>("POST", `/v1/rentals/${id}/cancel`, { token: rider });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: "cancelled", unlockKey: null, cancellation: { by: "rider" } });
      await listed(v, rider, true, "the vehicle free at once");
    } finally {
      await setPayment({ mode: "ok" });
    }
    // The authorisation answered after the cancel: its hold is voided; nothing was captured.
    const ended = await waitFor(rider, id, (r) => r.payment.status === "voided", "the late hold voided", 60_000);
    expect(ended.status).toBe("cancelled");
    const ledger = await api.request<{ items: { kind: string; outcome: string }[] }>("GET", `/v1/ops/rentals/${id}/payments`, { token: ops });
    expect(ledger.body.items.map((e) => `${e.kind}:${e.outcome}`).sort()).toEqual(["authorize:succeeded", "void:succeeded"]);
    // A second rider may rent the vehicle meanwhile freed.
    expect((await rent(await api.token(uid("r"), "rider"), v.id)).status).toBe(202);
  }, 120_000);

  it("a refund the provider declines: the capture kept and shown; an operator sends it again, a new attempt each time, refunded once", async () => {
    const v = await vehicle(3500);
    const rider = await api.token(uid("r"), "rider");
    const id = (await rent(rider, v.id)).body.id;
    await waitFor(rider, id, (r) => r.status === "confirmed", "the rental confirmed");
    const retry = (token?: string) => api.request<Rental & Problem & { detail: string }>("POST", `/v1/ops/rentals/${id}/refund`, token ? { token } : {});
    const events = async () =>
      (await api.request<{ items: { type: string }[] }>("GET", `/v1/rentals/${id}/events`, { token: ops })).body.items.map((e) => e.type);
    const refunds = async () =>
      (
        await api.request<{ items: { kind: string; outcome: string; idempotencyKey: string }[] }>("GET", `/v1/ops/rentals/${id}/payments`, { token: ops })
      ).body.items
        .filter((e) => e.kind === "refund")
        .map((e) => `${e.idempotencyKey}:${e.outcome}`)
        .sort();
    const owedListed = (listed: boolean, what: string) =>
      eventually(
        async () => {
          const page = await api.request<{ items: Rental[] }>("GET", "/v1/ops/rentals?status=cancelled&payment=captured&limit=100", { token: ops });
          expect(page.status).toBe(200);
          expect(page.body.items.every((r) => r.status === "cancelled" && r.payment.status === "captured")).toBe(true);
          return page.body.items.some((r) => r.id === id) === listed ? true : undefined;
        },
        what,
        30_000,
      );
    const problemListed = (listed: boolean, what: string) =>
      eventually(
        async () => {
          const stats = await api.request<{ openRentalProblems: { rentalId: string; problem: string }[] }>("GET", "/v1/ops/stats", { token: ops });
          expect(stats.status).toBe(200);
          const mine = stats.body.openRentalProblems.filter((p) => p.rentalId === id);
          return mine.length === (listed ? 1 : 0) && mine.every((p) => p.problem === "refund_declined") ? true : undefined;
        },
        what,
        30_000,
      );
    const declinedTimes = (n: number) =>
      eventually(async () => ((await events()).filter((t) => t === "RefundDeclined").length === n ? true : undefined), `decline ${n}`);
    // Authenticated and authorised first; nothing declined yet, nothing to retry.
    expect((await retry()).status).toBe(401);
    expect((await retry(rider)).status).toBe(403);
    expect(await retry(ops)).toMatchObject({ status: 409, body: { code: "invalid_transition" } });
    const setPayment = async (payment: Record<string, unknown>) => expect((await api.request("PUT", "/v1/dev/faults", { body: { payment } })).status).toBe(200);
    await setPayment({ mode: "ok", declineRefunds: true });
    try {
      expect((await api.request("POST", `/v1/rentals/${id}/cancel`, { token: rider })).status).toBe(200);
      await declinedTimes(1);
      expect((await rentalOf(ops, id)).payment.status).toBe("captured");
      // Sent again while the provider still declines: a second attempt, under its own key, declined too.
      const second = await retry(ops);
      expect(second.status).toBe(202);
      expect(second.body).toMatchObject({ id, status: "cancelled", payment: { status: "captured" } });
      await declinedTimes(2);
      // Operators find it: the cancelled rentals whose money has not gone back.
      await owedListed(true, "listed as cancelled and still captured");
      // And in the operators' figures, as an open payment problem (the console's Health page).
      await problemListed(true, "an open rental problem in the stats");
    } finally {
      await setPayment({ mode: "ok" });
    }
    expect((await retry(ops)).status).toBe(202);
    const refunded = await waitFor(rider, id, (r) => r.payment.status === "refunded", "the third attempt refunded");
    expect(refunded.payment).toEqual({ status: "refunded", refundedAmount: { amount: 7000, currency: "KRW" } });
    expect(await refunds()).toEqual([`${id}:refund:cancel:2:declined`, `${id}:refund:cancel:3:succeeded`, `${id}:refund:cancel:declined`]);
    const timeline = await events();
    expect(timeline.filter((t) => t === "RefundRetried")).toHaveLength(2);
    expect(timeline.filter((t) => t === "PaymentRefunded")).toHaveLength(1);
    expect(await retry(ops)).toMatchObject({ status: 409, body: { code: "invalid_transition", detail: "the rental was refunded already" } });
    await owedListed(false, "no longer listed once refunded");
    await problemListed(false, "no longer an open problem once refunded");
    // The rider's list shows it refunded too.
    await eventually(
      async () => {
        const mine = (await api.request<{ items: Rental[] }>("GET", "/v1/rentals", { token: rider })).body.items;
        return mine.find((r) => r.id === id)?.payment.status === "refunded" ? true : undefined;
      },
      "the rider's list refunded",
      30_000,
    );
  }, 120_000);

  it("my page and the operators' list agree with the rentals", async () => {
    const riderId = uid("r");
    const rider = await api.token(riderId, "rider");
    const ids: string[] = [];
    for (const card of ["pm_card_visa", "pm_card_chargeDeclined"]) ids.push((await rent(rider, (await vehicle()).id, card)).body.id);
    const truth = await Promise.all(ids.map((id) => waitFor(rider, id, (r) => r.status === "confirmed" || r.status === "declined", "a settled rental")));
    const shown = await eventually(
      async () => {
        const items = (await api.request<{ items: Rental[] }>("GET", "/v1/rentals", { token: rider })).body.items;
        const byId = new Map(items.map((r) => [r.id, r.status]));
        return truth.every((t) => byId.get(t.id) === t.status) && items.length === truth.length ? items : undefined;
      },
      "my page in step with the rentals",
      30_000,
    );
    // My page carries the confirmed rental's key as its own GET does (asked of its object: the views hold none); the declined one has none.
    const paid = truth.find((t) => t.status === "confirmed")!;
    const key = (await waitFor(rider, paid.id, (r) => r.unlockKey !== null, "the unlock key")).unlockKey;
    const mine = (await api.request<{ items: Rental[] }>("GET", "/v1/rentals", { token: rider })).body.items;
    expect(mine.map((r) => [r.id, r.unlockKey]).sort()).toEqual(truth.map((t) => [t.id, t.id === paid.id ? key : null]).sort());
    expect(shown.filter((r) => r.status !== "confirmed").every((r) => r.unlockKey === null)).toBe(true);
    for (const t of truth) {
      const opsList = (await api.request<{ items: Rental[] }>("GET", `/v1/ops/rentals?status=${t.status}&limit=100`, { token: ops })).body.items;
      expect(opsList.find((r) => r.id === t.id)).toMatchObject({ status: t.status, riderId, unlockKey: null });
    }
    const vehicles = await api.request<{ items: Vehicle[] }>("GET", "/v1/ops/rental-vehicles?limit=100", { token: ops });
    expect(vehicles.status).toBe(200);
    expect(vehicles.body.items.length).toBeGreaterThan(0);
  }, 90_000);
});
