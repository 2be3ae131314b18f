/**
 * The ledger's window on the real system inside workerd: a real ride held, completed and
 * captured through the payment worker, its ledger rows aged past the window, the every-minute
 * cron handing them to the ride's own Ride DO, an operator's view of its payments and the
 * commission report unchanged, and a refund that brings the rows back first and goes through.
 */
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/lib/problem";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import type { PaymentService } from "../../workers/payment/service";
import { testEnv } from "./helpers";
import { deliver, outstanding, recordOf, rideDone } from "./payment-steps";

const payments = testEnv.PAYMENTS as unknown as Service<PaymentService>;
const DAY = 86_400_000;

async function asOps(path: string, init: RequestInit = {}) {
  const token = await issueToken(testEnv, { id: "ops_ledger", role: "ops" });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return createApp().request(
    path,
    { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } },
    testEnv,
    createExecutionContext(),
  );
}

const rowsOf = async (rideId: string) =>
  (
    await testEnv.LEDGER_DB.prepare(
      `SELECT (SELECT count(*) FROM payment_operations WHERE ride_id = ?1) + (SELECT count(*) FROM settlements WHERE ride_id = ?1) AS n`,
    )
      .bind(rideId)
      .first<{ n: number }>()
  )?.n;

/** A ride whose ledger rows (and the pin a settle leaves) are made `days` old (the ride itself stays as it is). */
async function ageRows(rideId: string, days: number) {
  const aged = new Date(Date.now() - days * DAY).toISOString();
  for (const table of ["payment_operations", "settlements"])
    await testEnv.LEDGER_DB.prepare(`UPDATE ${table} SET created_at = ?1 WHERE ride_id = ?2`).bind(aged, rideId).run();
  await testEnv.LEDGER_DB.prepare("UPDATE ledger_restores SET restored_at = ?1 WHERE ride_id = ?2").bind(aged, rideId).run();
  // The earnings checkpoint moves to ten minutes ago, as the ten-minute cron does: the aged rows are before it.
  await payments.advancePayoutSums();
  return aged;
}

/** A captured ride whose ledger rows are made `days` old. */
async function capturedRideAged(days: number) {
  const { stub, ride } = await rideDone();
  return { stub, ride, aged: await ageRows(ride.id, days) };
}

const everyMinute = () => gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);

describe("the ledger's window", () => {
  it("hands a settled ride's rows to its Ride DO in the every-minute cron; the operator's view and the commission report stay the same", async () => {
    const { stub, ride, aged } = await capturedRideAged(40);
    const hour = `${aged.slice(0, 13)}:00:00.000Z`;
    const range = [new Date(Date.parse(hour) - 3_600_000).toISOString(), new Date(Date.parse(hour) + 3_600_000).toISOString()] as const;
    const report = await payments.commissionReport(...range);
    const listed = await (await asOps(`/v1/ops/rides/${ride.id}/payments`)).json<{ items: { kind: string }[] }>();
    expect(listed.items.map((i) => i.kind).sort()).toEqual(["authorize", "capture"]);
    expect(await rowsOf(ride.id)).toBe(3);

    await everyMinute();
    expect(await rowsOf(ride.id)).toBe(0);
    expect(await stub.keptLedger()).toMatchObject({ settlements: [{ ride_id: ride.id }] });
    const after = await asOps(`/v1/ops/rides/${ride.id}/payments`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(listed);
    expect(await payments.commissionReport(...range)).toEqual(report);
    expect(report.rides).toBeGreaterThanOrEqual(1);
    // A payout run of a cut-off before what was let go would take back sums the ledger can no longer read: refused.
    const old = await payments.runPayouts(new Date(Date.parse(aged) + 60_000).toISOString());
    expect(old.ok ? null : old.problem.code).toBe("invalid_request");
  });

  it("a refund past the window pins the ride and brings the rows back first, then goes through; the window leaves it a window long", async () => {
    // Younger than the first test's ride: the window's walk only goes forward, past what it read.
    const { stub, ride } = await capturedRideAged(39);
    await everyMinute();
    expect(await rowsOf(ride.id)).toBe(0);

    const refund = await asOps(`/v1/ops/rides/${ride.id}/refund`, { method: "POST", body: JSON.stringify({ amount: 1000, reason: "late complaint" }) });
    expect(refund.status).toBe(202);
    expect(await stub.keptLedger()).toBeNull();
    expect(await rowsOf(ride.id)).toBe(3);
    const command = await outstanding(stub);
    expect(command.action).toBe("refund");
    await deliver([command]);
    const refunded = await testEnv.LEDGER_DB.prepare("SELECT outcome FROM payment_operations WHERE ride_id = ? AND kind = 'refund'").bind(ride.id).first();
    expect(refunded).toEqual({ outcome: "succeeded" });
    expect(unwrap(await stub.get({ id: ride.riderId, role: "rider" })).payment).toMatchObject({ refundedAmount: { amount: 1000 } });

    expect(await rowsOf(ride.id)).toBe(4); // the refund's operation besides
    await everyMinute();
    expect(await rowsOf(ride.id)).toBe(4);
    expect(await testEnv.LEDGER_DB.prepare("SELECT count(*) AS n FROM ledger_restores WHERE ride_id = ?").bind(ride.id).first()).toEqual({ n: 1 });
  });

  it("a refund sent while the ledger still holds the ride, and a run of the window before it is paid: the pin keeps the capture there", async () => {
    const { stub, ride } = await capturedRideAged(36);
    const refund = await asOps(`/v1/ops/rides/${ride.id}/refund`, { method: "POST", body: JSON.stringify({ amount: 500, reason: "overcharged" }) });
    expect(refund.status).toBe(202);
    await everyMinute(); // the ride is past the window, but pinned: it stays
    expect(await rowsOf(ride.id)).toBe(3);
    expect(await stub.keptLedger()).toBeNull();
    await deliver([await outstanding(stub)]);
    const refunded = await testEnv.LEDGER_DB.prepare("SELECT outcome FROM payment_operations WHERE ride_id = ? AND kind = 'refund'").bind(ride.id).first();
    expect(refunded).toEqual({ outcome: "succeeded" });
  });

  it("a refund whose rows the ledger cannot take back is a 503 to retry, and nothing changed: no refund sent, the copy kept", async () => {
    const { stub, ride } = await capturedRideAged(35); // each test younger than the last: the walk only goes forward
    await everyMinute();
    const kept = await stub.keptLedger();
    // A copy whose restore fails in the payment worker (a value D1 cannot bind: its batch throws, as a ledger that is down would).
    const broken = { ...kept!, settlements: kept!.settlements.map((row) => ({ ...row, fare: { amount: 1 } as unknown as number })) };
    await stub.keepLedger(broken);
    const version = unwrap(await stub.get({ id: ride.riderId, role: "rider" })).version;

    const refund = await asOps(`/v1/ops/rides/${ride.id}/refund`, { method: "POST", body: JSON.stringify({ reason: "late complaint" }) });
    expect(refund.status).toBe(503);
    expect(refund.headers.get("content-type")).toContain("application/problem+json");
    expect(await stub.keptLedger()).toEqual(broken);
    expect(unwrap(await stub.get({ id: ride.riderId, role: "rider" })).version).toBe(version);
    expect(await rowsOf(ride.id)).toBe(0);
  });

  it("a settle delivered again after its ride was let go pays the driver nothing twice: the ride's rows come back, pinned, and answer it", async () => {
    const { stub, driver, ride, last: settle } = await rideDone({ paymentMethod: "pm_card_chargeDeclined" });
    expect(settle.action).toBe("settle");
    await ageRows(ride.id, 34);
    const balance = await payments.driverBalance(driver.id);
    await everyMinute();
    expect(await rowsOf(ride.id)).toBe(0);
    expect(await stub.keptLedger()).toMatchObject({ settlements: [{ ride_id: ride.id }] });

    await deliver([settle]); // the same message, a window late
    expect(await stub.keptLedger()).toBeNull();
    expect(await rowsOf(ride.id)).toBe(3); // the declined hold, the settle and its settlement: back, and nothing new
    expect(await testEnv.LEDGER_DB.prepare("SELECT count(*) AS n FROM ledger_restores WHERE ride_id = ?").bind(ride.id).first()).toEqual({ n: 1 });
    await deliver([settle]);
    expect(await rowsOf(ride.id)).toBe(3);
    expect(await payments.driverBalance(driver.id)).toEqual(balance);
  });

  it("a refund still waiting when its pin ran out is not declined: the watchdog's next send brings the rows back, the one after is refunded", async () => {
    const { stub, ride } = await capturedRideAged(33);
    const refund = await asOps(`/v1/ops/rides/${ride.id}/refund`, { method: "POST", body: JSON.stringify({ amount: 700, reason: "late complaint" }) });
    expect(refund.status).toBe(202);
    // The payment path was down for longer than the window: the pin is as old as the rows.
    await testEnv.LEDGER_DB.prepare("UPDATE ledger_restores SET restored_at = ?1 WHERE ride_id = ?2")
      .bind(new Date(Date.now() - 33 * DAY).toISOString(), ride.id)
      .run();
    await testEnv.LEDGER_DB.prepare("UPDATE ledger_deferred SET retry_after = ?1 WHERE ride_id = ?2")
      .bind(new Date(Date.now() - DAY).toISOString(), ride.id)
      .run();
    await everyMinute();
    expect(await rowsOf(ride.id)).toBe(0);

    const resent = await outstanding(stub);
    expect(resent.action).toBe("refund");
    await deliver([resent]);
    expect(await rowsOf(ride.id)).toBe(3);
    expect((await recordOf(stub)).refunds).toMatchObject([{ status: "pending" }]); // still waiting, not declined
    await deliver([await outstanding(stub)]);
    const refunded = await testEnv.LEDGER_DB.prepare("SELECT outcome FROM payment_operations WHERE ride_id = ? AND kind = 'refund'").bind(ride.id).first();
    expect(refunded).toEqual({ outcome: "succeeded" });
    expect(unwrap(await stub.get({ id: ride.riderId, role: "rider" })).payment).toMatchObject({ refundedAmount: { amount: 700 } });
  });

  it("a refund the ride refuses leaves the ledger as it was (no rows back, no pin); the key again with another amount is a 409 conflict", async () => {
    const { stub, ride } = await capturedRideAged(32);
    await everyMinute();
    const kept = await stub.keptLedger();
    expect(await rowsOf(ride.id)).toBe(0);
    const tooMuch = await asOps(`/v1/ops/rides/${ride.id}/refund`, { method: "POST", body: JSON.stringify({ amount: 10_000_000, reason: "late" }) });
    expect([tooMuch.status, tooMuch.headers.get("content-type")]).toEqual([409, expect.stringContaining("application/problem+json")]);
    expect(await rowsOf(ride.id)).toBe(0);
    expect(await stub.keptLedger()).toEqual(kept);
    expect(await testEnv.LEDGER_DB.prepare("SELECT count(*) AS n FROM ledger_restores WHERE ride_id = ?").bind(ride.id).first()).toEqual({ n: 0 });

    const first = await asOps(`/v1/ops/rides/${ride.id}/refund`, {
      method: "POST",
      headers: { "idempotency-key": "refund-once" },
      body: JSON.stringify({ amount: 1000, reason: "late" }),
    });
    expect(first.status).toBe(202);
    const again = await asOps(`/v1/ops/rides/${ride.id}/refund`, {
      method: "POST",
      headers: { "idempotency-key": "refund-once" },
      body: JSON.stringify({ amount: 1000, reason: "late" }),
    });
    expect(again.status).toBe(202);
    const other = await asOps(`/v1/ops/rides/${ride.id}/refund`, {
      method: "POST",
      headers: { "idempotency-key": "refund-once" },
      body: JSON.stringify({ amount: 5000, reason: "late" }),
    });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { code: string }).code).toBe("idempotency_conflict");
    expect((await recordOf(stub)).refunds).toMatchObject([{ amount: { amount: 1000 }, status: "pending" }]);
  });
});
