/**
 * A hiccup of the ledger's D1 behind the payment worker reaches a client as a 503, not a 500:
 * only an error's message crosses RPC, and drizzle's "Failed query" wrapper keeps D1's error as
 * its cause, so the payment worker's entrypoint marks the transient error in its message and
 * the gateway reads the mark. The ledger here is the real one, with every statement
 * failing as D1's fail (when run, so that drizzle wraps them).
 */
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { DUES_CHECK, DUES_CHECK_MS, type DuesCharger, type RiderDurableObject } from "../../src/durable-objects/rider";
import { unwrap } from "../../src/lib/problem";
import { describe, expect, it, vi } from "vitest";
import { transientOf } from "../../src/lib/transient";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { PaymentService } from "../../workers/payment/service";
import { testEnv, uniqueId } from "./helpers";

/** A D1 database whose every statement fails with `error` when run. */
function failingD1(error: Error): D1Database {
  const statement = {
    bind: () => statement,
    all: () => Promise.reject(error),
    raw: () => Promise.reject(error),
    run: () => Promise.reject(error),
    first: () => Promise.reject(error),
  };
  return { prepare: () => statement, batch: () => Promise.reject(error) } as unknown as D1Database;
}

/** The payment service over a failing ledger, as the gateway sees it across RPC: each error's message and name, nothing else. */
function paymentsOver(ledger: D1Database): Fetcher {
  const service = new PaymentService(createExecutionContext(), { ...testEnv, LEDGER_DB: ledger });
  return new Proxy(service, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          const crossed = new Error((error as Error).message);
          crossed.name = (error as Error).name;
          throw crossed;
        }
      };
    },
  }) as unknown as Fetcher;
}

/** A ride's ledger entries (GET /v1/ops/rides/{id}/payments), read through drizzle, whose wrapper keeps D1's error as its cause. */
async function ridePayments(ledger: D1Database) {
  const token = await issueToken(testEnv, { id: "ops_transient", role: "ops" });
  const res = await createApp().request(
    "/v1/ops/rides/rd_transient01234567890/payments",
    { headers: { authorization: `Bearer ${token}` } },
    { ...testEnv, PAYMENTS: paymentsOver(ledger) },
    createExecutionContext(),
  );
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { code?: string; detail?: string } };
}

describe("the ledger's D1 failing behind the payment worker", () => {
  it("its lost connection is a 503 unavailable with Retry-After 1, a warning line and no error line", async () => {
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await ridePayments(failingD1(new Error("D1_ERROR: Network connection lost.")));
      expect([res.status, res.body.code, res.retryAfter]).toEqual([503, "unavailable", "1"]);
      const lines = warnings.mock.calls.flat().map((l) => JSON.parse(String(l)) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ msg: "dependency unavailable", kind: "d1" }));
      expect(errors).not.toHaveBeenCalled();
    } finally {
      warnings.mockRestore();
      errors.mockRestore();
    }
  });

  it("a SQL error of ours is still a 500, with no SQL in the answer", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await ridePayments(failingD1(new Error("D1_ERROR: no such table: payment_operations: SQLITE_ERROR")));
      expect([res.status, res.body.code, res.retryAfter]).toEqual([500, "internal", null]);
      expect(JSON.stringify(res.body)).not.toContain("payment_operations");
    } finally {
      errors.mockRestore();
    }
  });

  it("the entrypoint's error says why in its message, the one part that crosses", async () => {
    const service = new PaymentService(createExecutionContext(), { ...testEnv, LEDGER_DB: failingD1(new Error("D1_ERROR: D1 DB is overloaded.")) });
    const error = (await service.ledgerFor("rd_transient0123456789").catch((e: unknown) => e)) as Error;
    expect(error.message).toBe("[transient overloaded] D1_ERROR: D1 DB is overloaded.");
    expect(transientOf(new Error(error.message))).toMatchObject({ kind: "overloaded" });
  });
});

/** The rider pays through the real payment service, which charges (or declines); the answer never comes back (its warning kept out of the output). */
async function payWithAnswerLost(stub: DurableObjectStub<RiderDurableObject>, riderId: string, requestId: string, paymentMethod = "pm_card_visa") {
  const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    return await runInDurableObject(stub, async (instance: RiderDurableObject) => {
      const own = instance as unknown as { env: Env };
      const real = own.env;
      const payments = real.PAYMENTS as unknown as DuesCharger;
      const chargeDues: DuesCharger["chargeDues"] = async (input) => {
        await payments.chargeDues(input);
        throw new Error("connection reset");
      };
      own.env = { ...real, PAYMENTS: { chargeDues } as unknown as Fetcher };
      try {
        return await instance.payDues(riderId, paymentMethod, requestId);
      } finally {
        own.env = real;
      }
    });
  } finally {
    warnings.mockRestore();
  }
}

/**
 * A rider owing 5,000 pays, the charge is made and its answer lost; then another ride ends unpaid (3,000) before they
 * pay again: the dues change, and with them the next charge's key. The lost charge is to `paymentMethod`.
 */
async function lostChargeThenMore(paymentMethod = "pm_card_visa") {
  const riderId = uniqueId("r");
  const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
  unwrap(await stub.incurDues(riderId, "rd_dues_first", { amount: 5000, currency: "KRW" }, "req-dues"));
  expect(await payWithAnswerLost(stub, riderId, "req-pay-1", paymentMethod)).toMatchObject({ ok: false, problem: { code: "unavailable" } });
  unwrap(await stub.incurDues(riderId, "rd_dues_second", { amount: 3000, currency: "KRW" }, "req-dues-2"));
  return { riderId, stub };
}

/** Runs `work` with the payment worker's circuit breaker open, and closes it after. */
async function withBreakerOpen(work: () => Promise<void>): Promise<void> {
  const breaker = testEnv.PAYMENT_BREAKER.get(testEnv.PAYMENT_BREAKER.idFromName("simulated"));
  const setBreaker = (state: object) =>
    runInDurableObject(breaker, (instance) => {
      (instance as unknown as { state: object }).state = state;
    });
  await setBreaker({ mode: "open", failures: 5, openedAt: Date.now(), probeStartedAt: null });
  // The payment worker's isolate takes a breaker it found closed for closed a second (BreakerView).
  await new Promise((r) => setTimeout(r, 1100));
  try {
    await work();
  } finally {
    await setBreaker({ mode: "closed", failures: 0, openedAt: null, probeStartedAt: null });
  }
}

/** The charge the Rider DO holds in flight, or null. */
const chargeInFlight = (stub: DurableObjectStub<RiderDurableObject>) =>
  runInDurableObject(stub, (_i: RiderDurableObject, state) => {
    const row = state.storage.sql.exec<{ record: string }>("SELECT record FROM rider").toArray()[0];
    return (JSON.parse(row?.record ?? "{}") as { chargeInFlight?: unknown }).chargeInFlight ?? null;
  });

describe("the payment service failing under a rider paying their dues", () => {
  it("the rider reads a plain 503, never the ledger's SQL or values; the error goes to the log", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_transient", { amount: 5000, currency: "KRW" }, "req-dues"));
    const leaky = new Error("Failed query: insert into payment_operations values (?, ?) params: pm_card_visa,dues:secret-key");
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const outcome = await runInDurableObject(stub, async (instance: RiderDurableObject) => {
        const own = instance as unknown as { env: Env };
        const real = own.env;
        own.env = { ...real, PAYMENTS: { chargeDues: () => Promise.reject(leaky) } as unknown as Fetcher };
        try {
          return await instance.payDues(riderId, "pm_card_visa", "req-dues-pay");
        } finally {
          own.env = real;
        }
      });
      expect(outcome.ok).toBe(false);
      expect(outcome).toMatchObject({ problem: { code: "unavailable" } });
      expect(JSON.stringify(outcome)).not.toMatch(/payment_operations|pm_card_visa|secret-key/);
      expect(warnings.mock.calls.flat().join("\n")).toContain("dues charge failed");
      expect((await stub.account(riderId)).dues).toEqual({ amount: 5000, currency: "KRW" });
    } finally {
      warnings.mockRestore();
    }
  });

  it("a charge whose answer was lost, then more dues: paying again sends the lost charge again under its key and charges only the rest", async () => {
    const { riderId, stub } = await lostChargeThenMore();
    expect((await stub.account(riderId)).dues).toEqual({ amount: 8000, currency: "KRW" });
    const paid = unwrap(await stub.payDues(riderId, "pm_card_visa", "req-pay-2"));
    expect(paid.dues).toEqual({ amount: 0, currency: "KRW" });
    const { results } = await testEnv.LEDGER_DB.prepare(
      "SELECT amount FROM payment_operations WHERE ride_id = ? AND kind = 'capture' AND outcome = 'succeeded' ORDER BY created_at",
    )
      .bind(`dues:${riderId}`)
      .all<{ amount: number }>();
    expect(results.map((r) => r.amount)).toEqual([5000, 3000]); // not 5000 and then 8000
  });

  it("a lost charge sent again and paid, the rest declined: the 402 says the earlier payment went through and what is owed now", async () => {
    const { riderId, stub } = await lostChargeThenMore();
    const refused = await stub.payDues(riderId, "pm_card_chargeDeclined", "req-pay-2");
    expect(refused).toMatchObject({ ok: false, problem: { code: "payment_required", dues: { amount: 3000, currency: "KRW" } } });
    const detail = refused.ok ? "" : refused.problem.detail;
    expect(detail).toContain("a payment of part of your dues went through");
    expect(detail).not.toContain("nothing was charged");
    expect((await stub.account(riderId)).dues).toEqual({ amount: 3000, currency: "KRW" });
  });

  it("a lost charge sent again and declined, the rest declined too: a plain 402 for all that is owed, not that an earlier payment went through", async () => {
    const { riderId, stub } = await lostChargeThenMore("pm_card_chargeDeclined");
    const refused = await stub.payDues(riderId, "pm_card_chargeDeclined", "req-pay-2");
    expect(refused).toMatchObject({ ok: false, problem: { code: "payment_required", dues: { amount: 8000, currency: "KRW" } } });
    const detail = refused.ok ? "" : refused.problem.detail;
    expect(detail).not.toContain("went through");
    expect(detail).toContain("the charge was declined");
    expect((await stub.account(riderId)).dues).toEqual({ amount: 8000, currency: "KRW" });
  });

  it("a charge made whose answer was lost clears the dues at the Rider DO's check of the ledger, without the rider paying again", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_checked", { amount: 6000, currency: "KRW" }, "req-dues"));
    expect(await payWithAnswerLost(stub, riderId, "req-pay-lost")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    expect((await stub.account(riderId)).dues.amount, "owed until the check").toBe(6000);
    const due = await runInDurableObject(stub, (_i: RiderDurableObject, state) => {
      const at = state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE name = ?", DUES_CHECK).toArray()[0]?.due_at;
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = ?", Date.now() - 1, DUES_CHECK);
      return at;
    });
    expect(due).toBeGreaterThan(Date.now() + DUES_CHECK_MS / 2);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.account(riderId)).dues).toEqual({ amount: 0, currency: "KRW" });
    // Paying again now answers nothing owed, and charges nothing more.
    unwrap(await stub.payDues(riderId, "pm_card_visa", "req-pay-again"));
    const { results } = await testEnv.LEDGER_DB.prepare(
      "SELECT amount FROM payment_operations WHERE ride_id = ? AND kind = 'capture' AND outcome = 'succeeded'",
    )
      .bind(`dues:${riderId}`)
      .all<{ amount: number }>();
    expect(results.map((r) => r.amount)).toEqual([6000]);
  });

  it("a capture the provider made while the worker timed out (its hold recorded, not the capture) is finished by the check: paid, charged once", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_capture_lost", { amount: 7000, currency: "KRW" }, "req-dues"));
    expect(await payWithAnswerLost(stub, riderId, "req-pay-capture-lost")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    // The provider made the capture; the ledger did not record it (the worker's guarded call timed out first).
    await testEnv.LEDGER_DB.prepare("DELETE FROM payment_operations WHERE ride_id = ? AND kind = 'capture'").bind(`dues:${riderId}`).run();
    await runInDurableObject(stub, (_i: RiderDurableObject, state) =>
      state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = ?", Date.now() - 1, DUES_CHECK),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.account(riderId)).dues).toEqual({ amount: 0, currency: "KRW" });
    const { results } = await testEnv.LEDGER_DB.prepare("SELECT amount, outcome FROM payment_operations WHERE ride_id = ? AND kind = 'capture'")
      .bind(`dues:${riderId}`)
      .all<{ amount: number; outcome: string }>();
    expect(results).toEqual([{ amount: 7000, outcome: "succeeded" }]);
  });

  it("a charge the payment worker's circuit breaker held back is not in flight: the rider's next payment goes to the card they choose then", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_breaker", { amount: 4000, currency: "KRW" }, "req-dues"));
    await withBreakerOpen(async () => {
      expect(await stub.payDues(riderId, "pm_card_visa", "req-pay-held")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    });
    expect(await chargeInFlight(stub)).toBeNull();
    // Paid now with a card that is declined: that card is the one charged (before, the held-back charge went again to the first).
    expect(await stub.payDues(riderId, "pm_card_chargeDeclined", "req-pay-other")).toMatchObject({ ok: false, problem: { code: "payment_required" } });
    expect(unwrap(await stub.payDues(riderId, "pm_card_visa", "req-pay-good")).dues.amount).toBe(0);
  });

  it("a charge tried before under its key, its answer lost, stays in flight when a try again is held back: its hold may stand", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_tried", { amount: 4000, currency: "KRW" }, "req-dues"));
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      // The first try's answer lost before anything was recorded (the provider may have placed its hold all the same).
      await runInDurableObject(stub, async (instance: RiderDurableObject) => {
        const own = instance as unknown as { env: Env };
        const real = own.env;
        own.env = { ...real, PAYMENTS: { chargeDues: () => Promise.reject(new Error("connection reset")) } as unknown as Fetcher };
        try {
          expect(await instance.payDues(riderId, "pm_card_visa", "req-pay-lost")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
        } finally {
          own.env = real;
        }
      });
    } finally {
      warnings.mockRestore();
    }
    const tried = await chargeInFlight(stub);
    expect(tried).toMatchObject({ paymentMethod: "pm_card_visa" });
    await withBreakerOpen(async () => {
      expect(await stub.payDues(riderId, "pm_card_visa", "req-pay-held")).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    });
    expect(await chargeInFlight(stub)).toEqual(tried);
  });

  it("a charge paid as answered leaves no check behind; one with nothing in the ledger stays in flight after its check", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_nocheck", { amount: 2000, currency: "KRW" }, "req-dues"));
    unwrap(await stub.payDues(riderId, "pm_card_visa", "req-pay"));
    const timers = () =>
      runInDurableObject(stub, (_i: RiderDurableObject, state) =>
        state.storage.sql
          .exec<{ name: string }>("SELECT name FROM timers")
          .toArray()
          .map((t) => t.name),
      );
    expect(await timers()).not.toContain(DUES_CHECK);

    unwrap(await stub.incurDues(riderId, "rd_dues_unmade", { amount: 3000, currency: "KRW" }, "req-dues-2"));
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await runInDurableObject(stub, async (instance: RiderDurableObject, state) => {
        const own = instance as unknown as { env: Env };
        const real = own.env;
        own.env = { ...real, PAYMENTS: { chargeDues: () => Promise.reject(new Error("connection reset")) } as unknown as Fetcher };
        try {
          await instance.payDues(riderId, "pm_card_visa", "req-pay-unmade");
        } finally {
          own.env = real;
        }
        state.storage.sql.exec("UPDATE timers SET due_at = ? WHERE name = ?", Date.now() - 1, DUES_CHECK);
      });
    } finally {
      warnings.mockRestore();
    }
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.account(riderId)).dues.amount).toBe(3000);
    expect(await timers()).not.toContain(DUES_CHECK);
    expect(unwrap(await stub.payDues(riderId, "pm_card_visa", "req-pay-later")).dues.amount).toBe(0);
  });

  /** Pays dues of 4,000 while a fare of 2,500 is added meanwhile; `second` is the card the provider sees on the next charge. */
  async function payWhileAFareIsAdded(second: string) {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_paying", { amount: 4000, currency: "KRW" }, "req-dues"));
    const result = await runInDurableObject(stub, async (instance: RiderDurableObject) => {
      const own = instance as unknown as { env: Env };
      const real = own.env;
      const payments = real.PAYMENTS as unknown as DuesCharger;
      let release = () => undefined as void;
      let sent = () => undefined as void;
      const provider = new Promise<void>((resolve) => (release = resolve));
      const charging = new Promise<void>((resolve) => (sent = resolve));
      const charged: number[] = [];
      // The provider takes its time: the first charge waits until the other ride's fare was added.
      const chargeDues: DuesCharger["chargeDues"] = async (input) => {
        charged.push(input.amount.amount);
        sent();
        await provider;
        return payments.chargeDues(charged.length > 1 ? { ...input, paymentMethod: second } : input);
      };
      own.env = { ...real, PAYMENTS: { chargeDues } as unknown as Fetcher };
      try {
        const paying = instance.payDues(riderId, "pm_card_visa", "req-pay-slow");
        await charging;
        const added = await Promise.race([
          instance.incurDues(riderId, "rd_dues_meanwhile", { amount: 2500, currency: "KRW" }, "req-dues-2"),
          new Promise<"queued">((resolve) => setTimeout(() => resolve("queued"), 2000)),
        ]);
        release();
        return { added, paid: await paying, charged };
      } finally {
        own.env = real;
      }
    });
    return { ...result, owed: (await stub.account(riderId)).items.map((i) => i.rideId) };
  }

  it("a ride's fare added while the rider's payment waits on the provider is taken at once, and charged by that payment too: a 200 means nothing is owed", async () => {
    const result = await payWhileAFareIsAdded("pm_card_visa");
    expect(result.added, "not queued behind the payment").toMatchObject({ ok: true, value: { dues: { amount: 6500 } } });
    expect(result.charged).toEqual([4000, 2500]);
    expect(result.paid).toMatchObject({ ok: true, value: { dues: { amount: 0, currency: "KRW" } } });
    expect(result.owed).toEqual([]);
  });

  it("... and when that fare's charge is declined, the 402 says the payment went through and what is owed now", async () => {
    const result = await payWhileAFareIsAdded("pm_card_chargeDeclined");
    expect(result.charged).toEqual([4000, 2500]);
    expect(result.paid).toMatchObject({ ok: false, problem: { code: "payment_required", dues: { amount: 2500 } } });
    expect(JSON.stringify(result.paid)).toMatch(/went through/);
    expect(result.owed).toEqual(["rd_dues_meanwhile"]);
  });

  it("a lost charge to a card that declined, then the rider pays with another: the lost one is settled on its own card, the new card charged at once", async () => {
    const riderId = uniqueId("r");
    const stub = testEnv.RIDER.get(testEnv.RIDER.idFromName(riderId));
    unwrap(await stub.incurDues(riderId, "rd_dues_card", { amount: 4000, currency: "KRW" }, "req-dues"));
    const sent: { paymentMethod: string; idempotencyKey: string }[] = [];
    /** Pays through the real payment service, recording each charge; `lose`: its answer never comes back. */
    const pay = (card: string, lose: boolean) =>
      runInDurableObject(stub, async (instance: RiderDurableObject) => {
        const own = instance as unknown as { env: Env };
        const real = own.env;
        const payments = real.PAYMENTS as unknown as DuesCharger;
        const chargeDues: DuesCharger["chargeDues"] = async (input) => {
          sent.push({ paymentMethod: input.paymentMethod, idempotencyKey: input.idempotencyKey });
          const answer = await payments.chargeDues(input);
          if (lose) throw new Error("connection reset");
          return answer;
        };
        own.env = { ...real, PAYMENTS: { chargeDues } as unknown as Fetcher };
        try {
          return await instance.payDues(riderId, card, `req-${card}`);
        } finally {
          own.env = real;
        }
      });
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(await pay("pm_card_chargeDeclined", true)).toMatchObject({ ok: false, problem: { code: "unavailable" } });
    } finally {
      warnings.mockRestore();
    }
    const paid = await pay("pm_card_visa", false);
    expect(paid).toMatchObject({ ok: true, value: { dues: { amount: 0, currency: "KRW" } } });
    // The lost charge again, under its key and to its own card; then the new card under a key of its own.
    expect(sent.map((s) => s.paymentMethod)).toEqual(["pm_card_chargeDeclined", "pm_card_chargeDeclined", "pm_card_visa"]);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
    expect(sent[2]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
  });
});
