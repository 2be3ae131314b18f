/** The rental machine's test fixtures: a rental in each state, reached through the machine. */
import { createRental, decideRental, vehicleReleaseAfterCommit, type RentalCommand } from "../../src/domain/rental/machine";
import type { RentalEffect } from "../../src/domain/rental/rules";
import type { RentalEventDraft, RentalRecord, RentalStatus } from "../../src/domain/rental/types";

export const NOW = new Date("2026-12-01T10:00:00Z");
export const krw = (amount: number) => ({ amount, currency: "KRW" as const });
const newId = (() => {
  let n = 0;
  return () => `ev_${++n}`;
})();
export const ctx = { now: NOW, causationId: null, newId, paymentWatchdogS: 120 };

export function created(): RentalRecord {
  const d = createRental(
    { rentalId: "rn_1", riderId: "r1", vehicleId: "rv_1", hours: 2, price: krw(4000), paymentMethod: "pm_card_visa", locale: "en", correlationId: "req-1" },
    NOW,
  );
  if (d.kind !== "applied") throw new Error(d.kind);
  return d.record;
}

export function step(record: RentalRecord, command: RentalCommand, now = NOW): RentalRecord {
  const d = decideRental(record, command, now);
  if (d.kind !== "applied") throw new Error(`${command.type}: ${d.kind} ${d.kind === "refused" ? d.detail : ""}`);
  return d.record;
}

/** A rental in each state, reached through the machine. */
export function inState(status: RentalStatus): RentalRecord {
  const requested = created();
  if (status === "requested") return requested;
  if (status === "declined") return step(requested, { type: "paymentDeclined", action: "authorize", detail: "card_declined" });
  const confirmed = step(step(requested, { type: "authorized" }), { type: "captured" });
  if (status === "confirmed") return confirmed;
  const keyed = step(confirmed, { type: "keyIssued", key: "4821" });
  if (status === "cancelled") return step(keyed, { type: "cancel", by: "rider" });
  // Only a vehicle that was unlocked is returned (one never unlocked is cancelled, refunded).
  return step(step(keyed, { type: "unlock", key: "4821" }), { type: "return" });
}

/** Where an applied change frees its vehicle: before its commit (the decision's effects: never) and after it (the plan's `later`). */
export const freed = (d: { effects: RentalEffect[]; record: RentalRecord; events: RentalEventDraft[] }) => ({
  before: d.effects,
  after: vehicleReleaseAfterCommit(d.record, d.events),
});

/** What `freed` answers for a change of rn_1 that lets go of rv_1 (no return location). */
export const FREED_AFTER_COMMIT = { before: [], after: [{ type: "releaseVehicle", vehicleId: "rv_1", rentalId: "rn_1", correlationId: "req-1" }] };
