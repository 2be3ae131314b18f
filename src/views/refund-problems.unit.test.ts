/**
 * A refund the provider declined is an open payment problem for the operators until a refund of
 * the ride (or rental) is made after it (src/views/stats.ts `openPaymentProblems`,
 * `openRentalProblems`), whatever order the events come in; read by its partial index. Over the
 * real views migrations in Node's SQLite.
 */
import { describe, expect, it } from "vitest";
import type { DomainEvent, RentalEventMessage, RideEventsMessage } from "../domain/events";
import type { Rental } from "../domain/rental/types";
import { record } from "../domain/ride/fixtures";
import { queryPlan, sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { project, refundOf, writesOf } from "./projection";
import { openPaymentProblems, openRentalProblems, REFUND_PROBLEMS, RENTAL_REFUND_PROBLEMS } from "./stats";

const asD1 = (db: D1Like) => db as unknown as D1Database;
const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, s)).toISOString();

/** Ride `id`'s message of one event at `version` (its snapshot at that version). */
function message(id: string, type: string, version: number, data: Record<string, unknown> = {}): RideEventsMessage {
  const ride = { ...record("completed", "captured", { driver: true }).ride, id, version, updatedAt: at(version) };
  const event: DomainEvent = { id: `ev_${id}_${version}`, type, rideId: id, version, occurredAt: at(version), correlationId: "c", causationId: null, data };
  return { kind: "ride.events", events: [event], ride };
}
const declined = (id: string, version: number) => message(id, "RefundDeclined", version, { key: `k${version}`, detail: "charge_not_refundable" });
const refunded = (id: string, version: number) => message(id, "PaymentRefunded", version, { key: `k${version}`, amount: { amount: 1000, currency: "KRW" } });

/** Rental `id`'s message of one event at `version` (a cancelled rental, its payment still `captured`). */
function rentalMessage(id: string, type: string, version: number): RentalEventMessage {
  const rental = {
    id,
    vehicleId: "rv_1",
    riderId: "r1",
    hours: 2,
    price: { amount: 4000, currency: "KRW" },
    status: "cancelled",
    unlockKey: null,
    payment: { status: "captured" },
    cancellation: { by: "ops" },
    confirmedAt: at(1),
    endsAt: null,
    unlockedAt: null,
    version,
    createdAt: at(0),
    updatedAt: at(version),
  } satisfies Rental;
  return {
    kind: "rental.event",
    event: { id: `ev_${id}_${version}`, type, version, occurredAt: at(version), correlationId: "c", causationId: null, data: {} },
    rental,
  };
}
const rentalDeclined = (id: string, version: number) => rentalMessage(id, "RefundDeclined", version);

describe("a declined refund as an open payment problem", () => {
  it("only a refund's outcomes are written apart from the snapshot: declined, or made", () => {
    expect(refundOf({ type: "RefundDeclined", version: 9, data: {} }, "ride", "rd_1")).toEqual([
      { kind: "refund", of: "ride", id: "rd_1", version: 9, declined: true },
    ]);
    expect(refundOf({ type: "PaymentRefunded", version: 11, data: {} }, "ride", "rd_1")).toEqual([
      { kind: "refund", of: "ride", id: "rd_1", version: 11, declined: false },
    ]);
    expect(refundOf({ type: "PaymentCaptured", version: 8, data: {} }, "ride", "rd_1")).toEqual([]);
    // A refund made that leaves a decline open (smaller than it, or asked before it) settles nothing.
    expect(refundOf({ type: "PaymentRefunded", version: 11, data: { declinedLeft: { amount: 4000, currency: "KRW" } } }, "ride", "rd_1")).toEqual([]);
    expect(writesOf(declined("rd_1", 9)).map((w) => w.kind)).toEqual(["ride", "refund"]);
    expect(writesOf(rentalDeclined("rn_1", 6)).map((w) => w.kind)).toEqual(["rental", "refund"]);
  });

  it("is listed once declined, and no longer once a refund is made after it; in any order of delivery", async () => {
    const db = await sqliteD1("migrations/views");
    const listed = async () => (await openPaymentProblems(asD1(db))).map((p) => `${p.rideId} ${p.problem}`);
    await project(asD1(db), [message("rd_plain", "RideCompleted", 8)]);
    await project(asD1(db), [declined("rd_1", 9)]);
    expect(await listed()).toEqual(["rd_1 refund_declined"]);
    // The operator refunds again, and it is made: settled.
    await project(asD1(db), [refunded("rd_1", 11)]);
    expect(await listed()).toEqual([]);
    // The same delivered again, or late (the older decline after the refund made): still settled.
    await project(asD1(db), [declined("rd_1", 9), refunded("rd_1", 11)]);
    expect(await listed()).toEqual([]);
    // An earlier refund's message (v7, before the decline) delivered late does not undo the later one.
    await project(asD1(db), [refunded("rd_1", 7)]);
    expect(await listed()).toEqual([]);
    // A decline after the refund made (a second refund asked, and declined) is a problem again.
    await project(asD1(db), [declined("rd_1", 12)]);
    expect(await listed()).toEqual(["rd_1 refund_declined"]);
    // A refund made after a decline that leaves part of it open (a smaller one) keeps it listed.
    await project(asD1(db), [
      message("rd_1", "PaymentRefunded", 14, { key: "k14", amount: { amount: 600, currency: "KRW" }, declinedLeft: { amount: 400, currency: "KRW" } }),
    ]);
    expect(await listed()).toEqual(["rd_1 refund_declined"]);
    // Out of order from the start: the refund made (v5) lands before the decline it came after (v3).
    await project(asD1(db), [refunded("rd_2", 5)]);
    await project(asD1(db), [declined("rd_2", 3)]);
    expect(await listed()).toEqual(["rd_1 refund_declined"]);
  });

  it("is listed beside the refused captures, newest first, with when the ride last changed", async () => {
    const db = await sqliteD1("migrations/views");
    await project(asD1(db), [declined("rd_1", 9)]);
    const unpaid = message("rd_2", "PaymentFailed", 20, { reason: "card_declined" });
    unpaid.ride = { ...record("payment_pending", "failed", { driver: true }).ride, id: "rd_2", version: 20, updatedAt: at(20) };
    await project(asD1(db), [unpaid]);
    expect(await openPaymentProblems(asD1(db))).toEqual([
      { rideId: "rd_2", since: at(20), problem: "capture_failed" },
      { rideId: "rd_1", since: at(9), problem: "refund_declined" },
    ]);
  });

  it("is read by its partial index: never a walk of every ride kept", async () => {
    const db = await sqliteD1("migrations/views");
    const plan = await queryPlan(db, REFUND_PROBLEMS, []);
    expect(plan).toMatch(/SCAN rides USING INDEX rides_refund_declined/);
  });
});

describe("a rental's declined refund as an open payment problem", () => {
  it("is listed once declined, not after an operator's retry is refunded, and again when a later one is declined; in any order", async () => {
    const db = await sqliteD1("migrations/views");
    const listed = async () => (await openRentalProblems(asD1(db))).map((p) => `${p.rentalId} ${p.problem} ${p.since}`);
    await project(asD1(db), [rentalMessage("rn_plain", "RentalCancelled", 4)]);
    await project(asD1(db), [rentalDeclined("rn_1", 6)]);
    expect(await listed()).toEqual([`rn_1 refund_declined ${at(6)}`]);
    // The retry asked (v7) is no answer yet: still open.
    await project(asD1(db), [rentalMessage("rn_1", "RefundRetried", 7)]);
    expect(await listed()).toEqual([`rn_1 refund_declined ${at(7)}`]);
    await project(asD1(db), [rentalMessage("rn_1", "PaymentRefunded", 8)]);
    expect(await listed()).toEqual([]);
    // The decline delivered again, late: still settled.
    await project(asD1(db), [rentalDeclined("rn_1", 6)]);
    expect(await listed()).toEqual([]);
    // Out of order from the start: the refund made (v9) lands before the decline it came after (v6).
    await project(asD1(db), [rentalMessage("rn_2", "PaymentRefunded", 9)]);
    await project(asD1(db), [rentalDeclined("rn_2", 6)]);
    expect(await listed()).toEqual([]);
    // Rides' problems and rentals' stay apart.
    expect(await openPaymentProblems(asD1(db))).toEqual([]);
  });

  it("is read by its partial index: never a walk of every rental kept", async () => {
    const db = await sqliteD1("migrations/views");
    expect(await queryPlan(db, RENTAL_REFUND_PROBLEMS, [])).toMatch(/SCAN rentals USING INDEX rentals_refund_declined/);
  });
});
