/** Charging a rider's dues, in Node: the real ledger on Node's SQLite, an in-memory provider. */
import { describe, expect, it } from "vitest";
import { chargeDues, DUES_HOLDS_PER_CHARGE, finishDuesCharge } from "./dues";
import { ProviderUnavailable } from "./provider";
import { DUES_CHARGE_MAX_MS, reconcile } from "./reconcile";
import { krw, unitDeps } from "./test-fixtures";

const input = (patch: { key?: string; paymentMethod?: string } = {}) => ({
  riderId: "r1",
  amount: krw(9800),
  paymentMethod: patch.paymentMethod ?? "pm_card_visa",
  idempotencyKey: patch.key ?? "r1:dues:3",
  correlationId: "req-1",
});

describe("chargeDues", () => {
  it("authorizes then captures the dues, recorded under the rider's dues account, telling no ride", async () => {
    const { deps, provider, reported } = await unitDeps();
    const paid = await chargeDues(deps, input());
    expect(paid).toMatchObject({ outcome: "succeeded", detail: null });
    expect(paid.providerRef).toMatch(/^pi_/);
    expect(provider.calls.map((c) => `${c.op} ${c.key}`)).toEqual(["authorize r1:dues:3:authorize", "capture r1:dues:3:capture"]);
    const rows = await deps.ledger.forRide("dues:r1");
    expect(rows.map((r) => `${r.kind}:${r.outcome}:${r.amount}`).sort()).toEqual(["authorize:succeeded:9800", "capture:succeeded:9800"]);
    expect(reported).toEqual([]);
  });

  it("a repeat answers the recorded result and calls the provider no more", async () => {
    const { deps, provider } = await unitDeps();
    const first = await chargeDues(deps, input());
    expect(await chargeDues(deps, input())).toEqual(first);
    expect(provider.calls).toHaveLength(2);
  });

  it("a declined card answers declined, and so does its repeat; nothing is captured", async () => {
    const { deps, provider } = await unitDeps();
    const declined = await chargeDues(deps, input({ paymentMethod: "pm_card_chargeDeclined" }));
    expect(declined).toEqual({ outcome: "declined", providerRef: null, detail: "card_declined" });
    expect(await chargeDues(deps, input({ paymentMethod: "pm_card_chargeDeclined" }))).toEqual(declined);
    expect(provider.calls.map((c) => c.op)).toEqual(["authorize"]);
  });

  it("throws when the provider is down (the caller answers 503), and a retry with the same key then charges once", async () => {
    const { deps, provider } = await unitDeps();
    provider.down = true;
    await expect(chargeDues(deps, input())).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(await deps.ledger.forRide("dues:r1")).toEqual([]);
    provider.down = false;
    expect((await chargeDues(deps, input())).outcome).toBe("succeeded");
    expect([...provider.holds.values()].filter((h) => h.status === "succeeded")).toHaveLength(1);
  });

  it("held back by the circuit breaker before its hold went out: answers unsent, records and sends nothing; the key then charges once", async () => {
    const { deps, provider } = await unitDeps();
    const open = { acquire: async () => ({ allowed: false, probe: false, retryAfterMs: 30_000 }), record: async () => {} };
    const held = await chargeDues({ ...deps, breaker: open as unknown as typeof deps.breaker }, input());
    expect(held).toEqual({ outcome: "unsent", providerRef: null, detail: "the payment provider is failing; nothing was sent" });
    expect(provider.calls).toEqual([]);
    expect(await deps.ledger.forRide("dues:r1")).toEqual([]);
    expect((await chargeDues(deps, input({ paymentMethod: "pm_card_mastercard" }))).outcome).toBe("succeeded");
  });

  it("held back at its capture, a hold standing: throws (the charge is in flight), never answers unsent", async () => {
    const { deps } = await unitDeps();
    let permits = 1;
    const breaker = {
      acquire: async () => (permits-- > 0 ? { allowed: true, probe: false } : { allowed: false, probe: false, retryAfterMs: 30_000 }),
      record: async () => {},
    };
    await expect(chargeDues({ ...deps, breaker: breaker as unknown as typeof deps.breaker }, input())).rejects.toThrow("circuit open");
    expect((await deps.ledger.forRide("dues:r1")).map((r) => r.kind)).toEqual(["authorize"]);
  });

  it("refuses to charge nothing", async () => {
    const { deps } = await unitDeps();
    await expect(chargeDues(deps, { ...input(), amount: krw(0) })).rejects.toBeInstanceOf(RangeError);
  });
});

describe("finishDuesCharge (the Rider DO's check of a charge whose answer it lost)", () => {
  it("answers what the ledger recorded, calling no provider: paid, declined, or null when no hold stands", async () => {
    const { deps, provider } = await unitDeps();
    expect(await finishDuesCharge(deps, "r1:dues:7", "check")).toBeNull();
    const paid = await chargeDues(deps, input({ key: "r1:dues:7" }));
    const declined = await chargeDues(deps, input({ key: "r1:dues:8", paymentMethod: "pm_card_chargeDeclined" }));
    const calls = provider.calls.length;
    expect(await finishDuesCharge(deps, "r1:dues:7", "check")).toEqual(paid);
    expect(await finishDuesCharge(deps, "r1:dues:8", "check")).toEqual(declined);
    expect(provider.calls).toHaveLength(calls);
  });

  it("a hold whose capture was made while the worker timed out: the capture sent again under its key answers it, charged once", async () => {
    const { deps, provider } = await unitDeps();
    const capture = provider.capture.bind(provider);
    // The provider captures, and the answer is lost on the way back (the worker's timeout, a reset): nothing recorded.
    provider.capture = async (...args: Parameters<typeof capture>) => {
      await capture(...args);
      throw new ProviderUnavailable("timed out");
    };
    await expect(chargeDues(deps, input({ key: "r1:dues:9" }))).rejects.toThrow("timed out");
    provider.capture = capture;
    const finished = await finishDuesCharge(deps, "r1:dues:9", "check");
    expect(finished).toMatchObject({ outcome: "succeeded" });
    expect(provider.calls.filter((c) => c.op === "capture").map((c) => c.key)).toEqual(["r1:dues:9:capture", "r1:dues:9:capture"]);
    expect([...provider.holds.values()].filter((h) => h.status === "succeeded")).toHaveLength(1);
    const captures = (await deps.ledger.forRide("dues:r1")).filter((r) => r.kind === "capture");
    expect(captures.map((r) => `${r.outcome}:${r.amount}`)).toEqual(["succeeded:9800"]);
    // Asked again, it reads the ledger: no further call.
    const calls = provider.calls.length;
    expect(await finishDuesCharge(deps, "r1:dues:9", "check")).toEqual(finished);
    expect(provider.calls).toHaveLength(calls);
  });

  it("throws while the provider cannot answer (the check is tried again later), and places no hold of its own", async () => {
    const { deps, provider } = await unitDeps();
    const capture = provider.capture.bind(provider);
    provider.capture = () => Promise.reject(new ProviderUnavailable("gone"));
    await expect(chargeDues(deps, input({ key: "r1:dues:10" }))).rejects.toThrow("gone");
    await expect(finishDuesCharge(deps, "r1:dues:10", "check")).rejects.toThrow("gone");
    provider.capture = capture;
    expect(provider.calls.filter((c) => c.op === "authorize")).toHaveLength(1);
  });
});

describe("reconciliation of dues", () => {
  it("voids a dues hold left without its capture, never asks for a ride by a dues account, and leaves paid dues alone", async () => {
    const { deps, provider } = await unitDeps();
    await chargeDues(deps, input({ key: "r1:dues:1" }));
    // the second charge's hold is placed, then the provider goes away before the capture
    const capture = provider.capture.bind(provider);
    provider.capture = () => Promise.reject(new ProviderUnavailable("gone"));
    await expect(chargeDues(deps, input({ key: "r1:dues:2" }))).rejects.toThrow("gone");
    provider.capture = capture;
    const looked: string[] = [];
    // An operator's "reconcile now" (age 0) leaves a dues charge that may still be in flight alone.
    expect((await reconcile({ ...deps, ride: async () => null }, { minAgeMs: 0 })).holdsVoided).toEqual([]);
    expect(provider.calls.filter((c) => c.op === "void")).toEqual([]);
    const later = { minAgeMs: 0, now: Date.now() + DUES_CHARGE_MAX_MS + 1000 };
    const report = await reconcile({ ...deps, ride: async (id) => (looked.push(id), null) }, later);
    expect(report.holdsVoided).toEqual(["dues:r1"]);
    expect(report.failures).toEqual([]);
    expect(looked).toEqual([]);
    expect(provider.calls.filter((c) => c.op === "void").map((c) => c.key)).toEqual(["r1:dues:2:void"]);
    const statuses = [...provider.holds.values()].map((h) => h.status).sort();
    expect(statuses).toEqual(["canceled", "succeeded"]);
    // done: the next run finds nothing open
    expect((await reconcile({ ...deps, ride: async () => null }, later)).holdsVoided).toEqual([]);
    // The rider tries again with the same card under the same key: the voided hold is placed anew and captured, not declined.
    const again = await chargeDues(deps, input({ key: "r1:dues:2" }));
    expect(again.outcome).toBe("succeeded");
    expect(provider.calls.slice(-2).map((c) => `${c.op} ${c.key}`)).toEqual(["authorize r1:dues:2:authorize:2", "capture r1:dues:2:capture:2"]);
    expect(await chargeDues(deps, input({ key: "r1:dues:2" }))).toEqual(again);
    expect((await reconcile({ ...deps, ride: async () => null }, later)).holdsVoided).toEqual([]);
  });

  it("a hold whose void the provider refused (it may have been captured after all) is captured again under its key, never held twice", async () => {
    const { deps, provider } = await unitDeps();
    const capture = provider.capture.bind(provider);
    provider.capture = () => Promise.reject(new ProviderUnavailable("gone"));
    await expect(chargeDues(deps, input({ key: "r1:dues:5" }))).rejects.toThrow("gone");
    provider.capture = capture;
    const hold = (await deps.ledger.find("r1:dues:5:authorize"))!;
    await deps.ledger.record(
      { action: "void", rideId: "dues:r1", amount: krw(9800), idempotencyKey: "r1:dues:5:void", correlationId: "c" },
      { outcome: "declined", ref: hold.providerRef, detail: "payment_intent_unexpected_state" },
      "sim",
    );
    expect((await chargeDues(deps, input({ key: "r1:dues:5" }))).outcome).toBe("succeeded");
    expect(provider.calls.filter((c) => c.op === "authorize").map((c) => c.key)).toEqual(["r1:dues:5:authorize"]);
  });

  it("a charge whose every hold was voided before its capture stops at DUES_HOLDS_PER_CHARGE and answers declined (the next attempt gets a key of its own)", async () => {
    const { deps, provider } = await unitDeps();
    const capture = provider.capture.bind(provider);
    provider.capture = () => Promise.reject(new ProviderUnavailable("gone"));
    const later = { minAgeMs: 0, now: Date.now() + DUES_CHARGE_MAX_MS + 1000 };
    for (let n = 1; n <= DUES_HOLDS_PER_CHARGE; n++) {
      await expect(chargeDues(deps, input({ key: "r1:dues:6" }))).rejects.toThrow("gone");
      expect((await reconcile({ ...deps, ride: async () => null }, later)).holdsVoided).toEqual(["dues:r1"]);
    }
    provider.capture = capture;
    expect(await chargeDues(deps, input({ key: "r1:dues:6" }))).toEqual({
      outcome: "declined",
      providerRef: null,
      detail: `${DUES_HOLDS_PER_CHARGE} holds voided before their capture`,
    });
    expect((await finishDuesCharge(deps, "r1:dues:6", "check"))?.outcome).toBe("declined");
    expect(provider.calls.filter((c) => c.op === "authorize" && c.key.startsWith("r1:dues:6:")).map((c) => c.key)).toEqual([
      "r1:dues:6:authorize",
      "r1:dues:6:authorize:2",
      "r1:dues:6:authorize:3",
    ]);
    expect(provider.calls.filter((c) => c.op === "capture" && c.key.startsWith("r1:dues:6:"))).toEqual([]);
  });

  it("a dues hold the provider placed and the ledger has not recorded yet is left alone while young, even by 'reconcile now'; voided once old", async () => {
    const { deps, provider } = await unitDeps();
    const young = provider.placeHold({ reference: "dues:r2", amount: 5000, key: "r2:dues:1:authorize", ageMs: 1000 });
    const old = provider.placeHold({ reference: "dues:r3", amount: 5000, key: "r3:dues:1:authorize", ageMs: DUES_CHARGE_MAX_MS + 60_000 });
    const report = await reconcile({ ...deps, ride: async () => null }, { minAgeMs: 0 });
    expect(report.orphanHoldsVoided).toEqual(["dues:r3"]);
    expect(provider.holds.get(young)?.status).toBe("requires_capture");
    expect(provider.holds.get(old)?.status).toBe("canceled");
  });
});
