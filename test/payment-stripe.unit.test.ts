/** The Stripe adapter against a local server that answers in Stripe's documented format. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeStripe } from "./support/fake-stripe";
import { ProviderUnavailable } from "../workers/payment/provider";
import { OPEN_HOLDS_QUERY, STRIPE_API_VERSION, STRIPE_PLATFORM_TAG, StripeProvider } from "../workers/payment/stripe";

let fake: Awaited<ReturnType<typeof startFakeStripe>>;
let stripe: StripeProvider;
const krw = (amount: number) => ({ amount, currency: "KRW" as const });

beforeAll(async () => {
  fake = await startFakeStripe();
  stripe = new StripeProvider({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 2000 });
});
afterAll(async () => fake.stop());

describe("Stripe adapter", () => {
  it("authorizes a manual-capture PaymentIntent with the step's idempotency key", async () => {
    const outcome = await stripe.authorize({ amount: krw(12800), paymentMethod: "pm_card_visa", reference: "rd_1" }, "rd_1:authorize");
    expect(outcome).toMatchObject({ outcome: "succeeded" });
    const call = fake.calls.at(-1)!;
    expect(call).toMatchObject({ method: "POST", path: "/v1/payment_intents", idempotencyKey: "rd_1:authorize", authorization: `Bearer ${fake.apiKey}` });
    expect(call.form).toMatchObject({
      amount: "12800",
      currency: "krw",
      payment_method: "pm_card_visa",
      confirm: "true",
      capture_method: "manual",
      "metadata[ride_id]": "rd_1",
    });
  });

  it("captures the fare and cancels (voids) holds, each with its own key", async () => {
    const hold = await stripe.authorize({ amount: krw(13000), paymentMethod: "pm_card_visa", reference: "rd_2" }, "rd_2:authorize");
    expect(hold.outcome).toBe("succeeded");
    const ref = hold.ref!;
    expect(await stripe.capture({ holdRef: ref, amount: krw(9900) }, "rd_2:capture")).toEqual({ outcome: "succeeded", ref });
    expect(fake.calls.at(-1)).toMatchObject({
      path: `/v1/payment_intents/${ref}/capture`,
      idempotencyKey: "rd_2:capture",
      form: { amount_to_capture: "9900" },
    });
    expect(fake.intents.get(ref)).toMatchObject({ status: "succeeded", amount_received: 9900 });

    const other = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_3" }, "rd_3:authorize");
    expect(await stripe.void({ holdRef: other.ref! }, "rd_3:void")).toEqual({ outcome: "succeeded", ref: other.ref });
    expect(fake.calls.at(-1)).toMatchObject({ path: `/v1/payment_intents/${other.ref}/cancel`, idempotencyKey: "rd_3:void" });
  });

  it("a capture or void sent again once Stripe forgot its key is the one made, not a refusal; another amount is still refused", async () => {
    const hold = await stripe.authorize({ amount: krw(9800), paymentMethod: "pm_card_visa", reference: "r1:dues:1:0" }, "r1:dues:1:0:authorize");
    const ref = hold.ref!;
    expect(await stripe.capture({ holdRef: ref, amount: krw(9800) }, "r1:dues:1:0:capture")).toEqual({ outcome: "succeeded", ref });
    // The answer was lost and the rider pays again a day later: Stripe no longer replays the key.
    fake.forget("r1:dues:1:0:capture");
    expect(await stripe.capture({ holdRef: ref, amount: krw(9800) }, "r1:dues:1:0:capture")).toEqual({ outcome: "succeeded", ref });
    expect(fake.intents.get(ref)).toMatchObject({ status: "succeeded", amount_received: 9800 });
    expect(await stripe.capture({ holdRef: ref, amount: krw(5000) }, "other:capture")).toMatchObject({
      outcome: "declined",
      detail: "payment_intent_unexpected_state",
    });
    // A void of a captured payment is refused as ever (the money was taken); one of a cancelled hold is done.
    expect(await stripe.void({ holdRef: ref }, "r1:void")).toMatchObject({ outcome: "declined" });
    const other = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_30" }, "rd_30:authorize");
    expect(await stripe.void({ holdRef: other.ref! }, "rd_30:void")).toEqual({ outcome: "succeeded", ref: other.ref });
    fake.forget("rd_30:void");
    expect(await stripe.void({ holdRef: other.ref! }, "rd_30:void")).toEqual({ outcome: "succeeded", ref: other.ref });
  });

  it("a capture answered a 500 that Stripe saved under its key is answered from the intent: done if it was made, else made under the hour's key", async () => {
    const hold = await stripe.authorize({ amount: krw(9000), paymentMethod: "pm_card_visa", reference: "rd_40" }, "rd_40:authorize");
    const ref = hold.ref!;
    // The capture ran, then Stripe answered 500 and saved it: every later request under the key gets that 500.
    fake.failSaved(1, true);
    expect(await stripe.capture({ holdRef: ref, amount: krw(8000) }, "rd_40:capture")).toEqual({ outcome: "succeeded", ref });
    expect(await stripe.capture({ holdRef: ref, amount: krw(8000) }, "rd_40:capture"), "sent again: the same answer").toEqual({ outcome: "succeeded", ref });
    expect(fake.intents.get(ref)).toMatchObject({ status: "succeeded", amount_received: 8000 });

    // The capture did not run before the 500: made under the hour's key, once.
    const other = await stripe.authorize({ amount: krw(9000), paymentMethod: "pm_card_visa", reference: "rd_41" }, "rd_41:authorize");
    fake.failSaved(1, false);
    expect(await stripe.capture({ holdRef: other.ref!, amount: krw(7000) }, "rd_41:capture")).toEqual({ outcome: "succeeded", ref: other.ref });
    expect(fake.intents.get(other.ref!)).toMatchObject({ status: "succeeded", amount_received: 7000 });
    const keys = fake.calls.filter((c) => c.path.endsWith("/capture") && c.path.includes(other.ref!)).map((c) => c.idempotencyKey);
    expect(keys).toEqual(["rd_41:capture", expect.stringMatching(/^rd_41:capture:after-5xx:\d+$/)]);
  });

  it("a void answered a saved 500 is done if the hold was cancelled, else sent under the hour's key; a 500 now (not saved) is still unavailable", async () => {
    const hold = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_42" }, "rd_42:authorize");
    fake.failSaved(1, true);
    expect(await stripe.void({ holdRef: hold.ref! }, "rd_42:void")).toEqual({ outcome: "succeeded", ref: hold.ref });
    const other = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_43" }, "rd_43:authorize");
    fake.failSaved(1, false);
    expect(await stripe.void({ holdRef: other.ref! }, "rd_43:void")).toEqual({ outcome: "succeeded", ref: other.ref });
    expect(fake.intents.get(other.ref!)).toMatchObject({ status: "canceled" });
    // Stripe down (every request 500, the read too): unavailable, for the breaker and the retries, never a decline.
    const third = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_44" }, "rd_44:authorize");
    fake.failNext(3);
    await expect(stripe.void({ holdRef: third.ref! }, "rd_44:void")).rejects.toBeInstanceOf(ProviderUnavailable);
    fake.failNext(0);
    expect(fake.intents.get(third.ref!)).toMatchObject({ status: "requires_capture" });
  });

  it("a refund sent again once Stripe forgot its key is found by its key, not made twice; another key is a refund of its own", async () => {
    const hold = await stripe.authorize({ amount: krw(8000), paymentMethod: "pm_card_visa", reference: "rd_31" }, "rd_31:authorize");
    await stripe.capture({ holdRef: hold.ref!, amount: krw(8000) }, "rd_31:capture");
    const first = await stripe.refund({ holdRef: hold.ref!, amount: krw(3000) }, "rd_31:refund:a");
    expect(first.outcome).toBe("succeeded");
    fake.forget("rd_31:refund:a");
    expect(await stripe.refund({ holdRef: hold.ref!, amount: krw(3000) }, "rd_31:refund:a")).toEqual(first);
    expect(fake.intents.get(hold.ref!)).toMatchObject({ amount_refunded: 3000 });
    expect((await stripe.refund({ holdRef: hold.ref!, amount: krw(2000) }, "rd_31:refund:b")).ref).not.toBe(first.ref);
    expect(fake.intents.get(hold.ref!)).toMatchObject({ amount_refunded: 5000 });
  });

  it("refunds a captured payment", async () => {
    const hold = await stripe.authorize({ amount: krw(8000), paymentMethod: "pm_card_visa", reference: "rd_4" }, "rd_4:authorize");
    await stripe.capture({ holdRef: hold.ref!, amount: krw(8000) }, "rd_4:capture");
    const refund = await stripe.refund({ holdRef: hold.ref!, amount: krw(8000) }, "rd_4:refund");
    expect(refund.outcome).toBe("succeeded");
    expect(refund.ref).toMatch(/^re_/);
    expect(fake.calls.at(-1)).toMatchObject({ path: "/v1/refunds", idempotencyKey: "rd_4:refund", form: { payment_intent: hold.ref, amount: "8000" } });
  });

  it("a declined card is declined for good (402 card_error), not retried", async () => {
    const outcome = await stripe.authorize({ amount: krw(12800), paymentMethod: "pm_card_chargeDeclined", reference: "rd_5" }, "rd_5:authorize");
    expect(outcome).toMatchObject({ outcome: "declined", detail: "generic_decline" });
    expect(fake.calls.at(-1)!.status).toBe(402);
  });

  it("a repeated key replays the first answer: one intent, never two", async () => {
    const before = fake.intents.size;
    const a = await stripe.authorize({ amount: krw(7000), paymentMethod: "pm_card_visa", reference: "rd_6" }, "rd_6:authorize");
    const b = await stripe.authorize({ amount: krw(7000), paymentMethod: "pm_card_visa", reference: "rd_6" }, "rd_6:authorize");
    expect(b).toEqual(a);
    expect(fake.intents.size).toBe(before + 1);
  });

  it("a 5xx or an unreachable server is 'unavailable' (retry later), a refused capture is declined", async () => {
    fake.failNext(1);
    await expect(stripe.authorize({ amount: krw(7000), paymentMethod: "pm_card_visa", reference: "rd_7" }, "rd_7:authorize")).rejects.toBeInstanceOf(
      ProviderUnavailable,
    );
    const down = new StripeProvider({ apiKey: "sk", baseUrl: "http://127.0.0.1:9", timeoutMs: 500 });
    await expect(down.void({ holdRef: "pi_x" }, "k")).rejects.toBeInstanceOf(ProviderUnavailable);
    const gone = await stripe.capture({ holdRef: "pi_nope", amount: krw(1) }, "rd_8:capture");
    expect(gone).toMatchObject({ outcome: "declined", detail: "resource_missing" });
  });

  it("a 403 (a restricted key without the endpoint's permission) or a 424 (a dependency outside Stripe failed) is 'unavailable' for every step, not a refusal kept for good", async () => {
    for (const status of [403, 424] as const) {
      const steps = [
        () => stripe.authorize({ amount: krw(7000), paymentMethod: "pm_card_visa", reference: "rd_p" }, `rd_p${status}:authorize`),
        () => stripe.capture({ holdRef: "pi_x", amount: krw(7000) }, `rd_p${status}:capture`),
        () => stripe.void({ holdRef: "pi_x" }, `rd_p${status}:void`),
        () => stripe.refund({ holdRef: "pi_x", amount: krw(1000) }, `rd_p${status}:refund`),
        () => stripe.payout({ amount: krw(8000), destination: "acct_ok", reference: "d9" }, `po_p${status}`),
      ];
      for (const step of steps) {
        fake.failNext(1, status);
        await expect(step(), `${status}`).rejects.toBeInstanceOf(ProviderUnavailable);
        expect(fake.calls.at(-1)?.status).toBe(status);
      }
    }
    // Once Stripe takes the request, the same key is made as asked.
    expect(await stripe.authorize({ amount: krw(7000), paymentMethod: "pm_card_visa", reference: "rd_p" }, "rd_p403:authorize")).toMatchObject({
      outcome: "succeeded",
    });
  });

  it("a 409 for a request still in flight with the same key is retried, not declined; the retry gets the first result", async () => {
    const before = fake.intents.size;
    fake.setLatency(300);
    try {
      const input = { amount: krw(6000), paymentMethod: "pm_card_visa", reference: "rd_9" };
      const [first, overlapping] = await Promise.allSettled([
        stripe.authorize(input, "rd_9:authorize"),
        new Promise((r) => setTimeout(r, 50)).then(() => stripe.authorize(input, "rd_9:authorize")),
      ]);
      expect(fake.calls.some((c) => c.idempotencyKey === "rd_9:authorize" && c.status === 409)).toBe(true);
      expect(first).toMatchObject({ status: "fulfilled", value: { outcome: "succeeded" } });
      expect(overlapping.status, "a 409 must not be a permanent decline").toBe("rejected");
      expect(overlapping.status === "rejected" && overlapping.reason).toBeInstanceOf(ProviderUnavailable);
      const retried = await stripe.authorize(input, "rd_9:authorize");
      expect(retried).toEqual(first.status === "fulfilled" ? first.value : null);
      expect(fake.intents.size).toBe(before + 1);
    } finally {
      fake.setLatency(0);
    }
  });

  it("tags each hold with the platform, what it is for and its key, for the open-holds search", async () => {
    await stripe.authorize({ amount: krw(4000), paymentMethod: "pm_card_visa", reference: "dues:r9" }, "r9:dues:1:authorize");
    expect(fake.calls.at(-1)!.form).toMatchObject({
      "metadata[platform]": STRIPE_PLATFORM_TAG,
      "metadata[reference]": "dues:r9",
      "metadata[idempotency_key]": "r9:dues:1:authorize",
    });
  });

  it("lists this platform's open holds by search: not captured, cancelled or another platform's ones", async () => {
    const open = await stripe.authorize({ amount: krw(6100), paymentMethod: "pm_card_visa", reference: "rd_20" }, "rd_20:authorize");
    const captured = await stripe.authorize({ amount: krw(6200), paymentMethod: "pm_card_visa", reference: "rd_21" }, "rd_21:authorize");
    await stripe.capture({ holdRef: captured.ref!, amount: krw(6200) }, "rd_21:capture");
    const cancelled = await stripe.authorize({ amount: krw(6300), paymentMethod: "pm_card_visa", reference: "rd_22" }, "rd_22:authorize");
    await stripe.void({ holdRef: cancelled.ref! }, "rd_22:void");
    const foreign = { ...fake.intents.get(open.ref!)!, id: "pi_foreign", metadata: { platform: "someone-else", idempotency_key: "x" } };
    fake.intents.set(foreign.id, foreign);

    const nowS = Math.floor(Date.now() / 1000);
    const { holds, complete } = await stripe.openHolds({ fromS: nowS - 60, beforeS: nowS + 1 }, 500);
    expect(complete).toBe(true);
    const search = fake.calls.at(-1)!;
    expect(search).toMatchObject({ method: "GET", path: "/v1/payment_intents/search", status: 200, stripeVersion: STRIPE_API_VERSION });
    expect(search.form).toMatchObject({ query: `${OPEN_HOLDS_QUERY} AND created>=${nowS - 60} AND created<${nowS + 1}`, limit: "100" });
    expect(OPEN_HOLDS_QUERY).toBe("status:'requires_capture' AND metadata['platform']:'edge-rides'");

    const refs = holds.map((h) => h.ref);
    expect(refs).toContain(open.ref);
    expect(refs).not.toContain(captured.ref);
    expect(refs).not.toContain(cancelled.ref);
    expect(refs).not.toContain("pi_foreign");
    const hold = holds.find((h) => h.ref === open.ref)!;
    expect(hold).toEqual({ ref: open.ref, idempotencyKey: "rd_20:authorize", reference: "rd_20", amount: krw(6100), createdAt: expect.any(String) });
    expect(Math.abs(Date.parse(hold.createdAt) - Date.now())).toBeLessThan(60_000);
  });

  it("reads every page of the search", async () => {
    const template = fake.intents.get([...fake.intents.keys()][0]!)!;
    for (let i = 0; i < 150; i++) {
      const id = `pi_bulk_${i}`;
      fake.intents.set(id, {
        ...template,
        id,
        status: "requires_capture",
        metadata: { platform: STRIPE_PLATFORM_TAG, idempotency_key: `rd_b${i}:authorize`, reference: `rd_b${i}` },
      });
    }
    const nowS = Math.floor(Date.now() / 1000);
    const window = { fromS: nowS - 60, beforeS: nowS + 1 };
    const before = fake.calls.length;
    const { holds, complete } = await stripe.openHolds(window, 500);
    expect(complete).toBe(true);
    expect(holds.filter((h) => h.ref.startsWith("pi_bulk_"))).toHaveLength(150);
    expect(new Set(holds.map((h) => h.ref)).size).toBe(holds.length);
    const searches = fake.calls.slice(before);
    expect(searches.length).toBeGreaterThanOrEqual(2);
    expect(searches[1]!.form.page).toBeTruthy();

    // Read up to the limit and no further: the listing says it is not all there is.
    const capped = fake.calls.length;
    const part = await stripe.openHolds(window, 120);
    expect(part.complete).toBe(false);
    expect(part.holds).toHaveLength(120);
    expect(fake.calls.slice(capped).map((c) => c.form.limit)).toEqual(["100", "20"]);

    // Holds created outside the window are not listed.
    const earlier = await stripe.openHolds({ fromS: nowS - 3600, beforeS: nowS - 600 }, 500);
    expect(earlier).toEqual({ holds: [], complete: true });
    for (let i = 0; i < 150; i++) fake.intents.delete(`pi_bulk_${i}`);
  });

  it("a search Stripe cannot answer is 'unavailable'", async () => {
    fake.failNext(1);
    await expect(stripe.openHolds({ fromS: 0, beforeS: Date.now() / 1000 }, 500)).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it("refuses a refund beyond what is left of the capture", async () => {
    const hold = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_23" }, "rd_23:authorize");
    await stripe.capture({ holdRef: hold.ref!, amount: krw(5000) }, "rd_23:capture");
    expect((await stripe.refund({ holdRef: hold.ref!, amount: krw(3000) }, "rd_23:refund:1")).outcome).toBe("succeeded");
    expect(await stripe.refund({ holdRef: hold.ref!, amount: krw(2001) }, "rd_23:refund:2")).toMatchObject({ outcome: "declined", detail: "amount_too_large" });
  });

  it("a payout without a connected account sends nothing and is declined; a bad account is declined, a 5xx unavailable", async () => {
    const before = fake.calls.length;
    expect(await stripe.payout({ amount: krw(8000), destination: null, reference: "d1" }, "po_none")).toEqual({
      outcome: "declined",
      ref: null,
      detail: "no_payout_account",
    });
    expect(fake.calls.length).toBe(before);
    expect(await stripe.payout({ amount: krw(8000), destination: "bank_1", reference: "d1" }, "po_bad")).toMatchObject({
      outcome: "declined",
      detail: "resource_missing",
    });
    fake.failNext(1);
    await expect(stripe.payout({ amount: krw(8000), destination: "acct_1", reference: "d1" }, "po_5xx")).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it("pays a driver with a transfer to the connected account, under the payout's key, once per key", async () => {
    const first = await stripe.payout({ amount: krw(8000), destination: "acct_driver1", reference: "d1" }, "po_abc");
    expect(first).toMatchObject({ outcome: "succeeded" });
    expect(first.ref).toMatch(/^tr_/);
    expect(fake.calls.at(-1)).toMatchObject({
      method: "POST",
      path: "/v1/transfers",
      idempotencyKey: "po_abc",
      form: {
        amount: "8000",
        currency: "krw",
        destination: "acct_driver1",
        transfer_group: "po_abc",
        "metadata[driver_id]": "d1",
        "metadata[platform]": STRIPE_PLATFORM_TAG,
      },
    });
    const transfers = fake.transfers.size;
    expect(await stripe.payout({ amount: krw(8000), destination: "acct_driver1", reference: "d1" }, "po_abc")).toEqual(first);
    expect(fake.transfers.size).toBe(transfers);
  });

  it("a key reused with other parameters (400 idempotency_error) is unavailable, not a refusal: the first request may have paid", async () => {
    const first = await stripe.payout({ amount: krw(8000), destination: "acct_old", reference: "d7" }, "po_reused");
    expect(first).toMatchObject({ outcome: "succeeded" });
    const moved = stripe.payout({ amount: krw(8000), destination: "acct_new", reference: "d7" }, "po_reused");
    await expect(moved).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(fake.calls.at(-1)).toMatchObject({ path: "/v1/transfers", idempotencyKey: "po_reused", status: 400 });
    // The same parameters still replay the first answer.
    expect(await stripe.payout({ amount: krw(8000), destination: "acct_old", reference: "d7" }, "po_reused")).toEqual(first);
  });

  it("finds a payout by its transfer group once Stripe has forgotten the key; none made is null; a 5xx is unavailable", async () => {
    const paid = await stripe.payout({ amount: krw(8000), destination: "acct_driver3", reference: "d3" }, "po_old");
    fake.forget("po_old");
    expect(await stripe.findPayout("po_old")).toEqual({ ref: paid.ref });
    expect(fake.calls.at(-1)).toMatchObject({ method: "GET", path: "/v1/transfers", form: { transfer_group: "po_old", limit: "1" } });
    expect(await stripe.findPayout("po_never")).toBeNull();
    fake.failNext(1);
    await expect(stripe.findPayout("po_old")).rejects.toBeInstanceOf(ProviderUnavailable);
  });

  it("pins the Stripe-Version header on every request", async () => {
    expect(STRIPE_API_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}/);
    const hold = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_10" }, "rd_10:authorize");
    await stripe.capture({ holdRef: hold.ref!, amount: krw(5000) }, "rd_10:capture");
    await stripe.refund({ holdRef: hold.ref!, amount: krw(5000) }, "rd_10:refund");
    const other = await stripe.authorize({ amount: krw(5000), paymentMethod: "pm_card_visa", reference: "rd_11" }, "rd_11:authorize");
    await stripe.void({ holdRef: other.ref! }, "rd_11:void");
    await stripe.payout({ amount: krw(5000), destination: "acct_driver2", reference: "d2" }, "po_version");
    expect(fake.calls.length).toBeGreaterThan(0);
    for (const call of fake.calls) expect(call.stripeVersion, `${call.method} ${call.path}`).toBe(STRIPE_API_VERSION);
  });
});
