/**
 * Reconciliation, run by cron (and on demand by an operator): the ledger against the
 * rides, and the provider against the ledger. Holds left open on rides that ended are
 * voided; captures whose ride never heard back are reported to it again; a rider's dues
 * hold left without its capture is voided; and holds the provider has open but the ledger
 * never recorded (the provider authorised, then the ledger write was lost) are voided when
 * their ride is over. Returns what it fixed.
 */
import type { PaymentCommandMessage } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { isDuesAccount } from "../../src/payments/dues";
import { holdIsOwedAVoid, isOrphanCandidate } from "../../src/payments/orphans";
import { duesVoidKey } from "./dues";
import { guarded, handlePaymentCommand, type PaymentDeps } from "./handler";
import { walkOn, walkWindow, type ProviderHoldWalk } from "../../src/payments/provider-walk";
import { walkAfterRun, type WalkAfterRun } from "../../src/payments/walk-stuck";
import { HOLD_LIFETIME_MS, WALK_SCAN, type HoldWalkPage } from "./hold-walk";
import type { LedgerEntry } from "./ledger";
import type { OpenHold } from "./provider";

export interface ReconcileReport {
  openHoldsChecked: number;
  holdsVoided: string[];
  capturesReported: string[];
  /** Ride ids (or dues accounts) whose hold the provider had open and the ledger did not know, voided. */
  orphanHoldsVoided: string[];
  failures: { rideId: string; error: string }[];
}

/**
 * What reconciliation needs of the ride (or rental) a ledger row is for, as its Durable
 * Object holds it, or null when there is none (the gateway reads it).
 */
export type RideLookup = (rideId: string) => Promise<Pick<Ride, "status" | "payment" | "driver" | "fare"> | null>;

export interface ReconcileDeps extends PaymentDeps {
  ride: RideLookup;
}

/**
 * Voids one hold at the provider and records it, without telling any ride: for holds no
 * ride is waiting on (a dues account's, an orphan's). A repeat of the key answers the
 * recorded void; a key already spent on another hold is an error, never a silent success.
 */
async function voidHold(
  deps: PaymentDeps,
  hold: { rideId: string; holdRef: string; amount: number; key: string; correlationId: string; detail: string | null },
): Promise<boolean> {
  const known = await deps.ledger.find(hold.key);
  if (known) {
    if (known.providerRef !== hold.holdRef) throw new Error(`${hold.key} already voided ${known.providerRef}, not ${hold.holdRef}`);
    return known.outcome === "succeeded";
  }
  const outcome = await guarded(deps, () => deps.provider.void({ holdRef: hold.holdRef }, hold.key));
  const operation = {
    action: "void" as const,
    rideId: hold.rideId,
    amount: { amount: hold.amount, currency: "KRW" as const },
    idempotencyKey: hold.key,
    correlationId: hold.correlationId,
  };
  const entry = await deps.ledger.record(
    operation,
    { ...outcome, ref: outcome.ref ?? hold.holdRef, detail: outcome.outcome === "declined" ? outcome.detail : hold.detail },
    deps.provider.name,
  );
  return entry.outcome === "succeeded";
}

/**
 * How old a dues hold must be before reconciliation takes it for one that lost its capture,
 * whatever age the caller asks for: a dues charge is authorised and captured within its
 * request, and an operator's "reconcile now" (age 0) must not void one in flight, which
 * would answer the rider's good card 402.
 */
export const DUES_CHARGE_MAX_MS = 5 * 60_000;

/** The key of an orphan hold's void: `<rideId>:void:orphan`; a dues account's is per charge. */
function orphanVoidKey(hold: OpenHold): string {
  return isDuesAccount(hold.reference) ? `${duesVoidKey(hold.idempotencyKey)}:orphan` : `${hold.reference}:void:orphan`;
}

/** The newest open holds old enough, and the walk's next page of older ones (./hold-walk.ts), each once; with the walk's page. */
async function openHoldsToCheck(deps: ReconcileDeps, before: string): Promise<{ holds: LedgerEntry[]; walk: HoldWalkPage }> {
  const [newest, walk] = await Promise.all([deps.ledger.openHolds(before), deps.ledger.olderOpenHolds(before, WALK_SCAN)]);
  const keys = new Set(newest.map((h) => h.idempotencyKey));
  return { holds: [...newest, ...walk.open.filter((h) => !keys.has(h.idempotencyKey))], walk };
}

/**
 * Where a walk goes after a run (src/payments/walk-stuck.ts): on past its page, or, one of the
 * page's holds failing, on it again next run; a page left behind after `WALK_STUCK_MS` is logged
 * with the holds that failed there.
 */
function afterRun<P>(walk: "ledger" | "provider", run: Parameters<typeof walkAfterRun<P>>[0], failed: string[]): WalkAfterRun<P> {
  const after = walkAfterRun(run);
  if (after.leftBehind) console.warn(JSON.stringify({ msg: "reconciliation walk left holds behind", walk, rideIds: failed.slice(0, 20) }));
  return after;
}

/** Whether a ride captured its hold (a fare or a no-show fee), refunded or not since. */
const tookItsMoney = (ride: Pick<Ride, "payment"> | null): boolean => ride?.payment.status === "captured" || ride?.payment.status === "refunded";

/** How a run goes: holds younger than `minAgeMs` are left alone; `walk` false (an operator's run) moves neither walk, nor reads the provider's. */
export interface ReconcileOptions {
  minAgeMs: number;
  now?: number;
  walk?: boolean;
}

/**
 * @example
 * const report = await reconcile(deps, { minAgeMs: 5 * 60_000 });
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const now = options.now ?? Date.now();
  const report: ReconcileReport = { openHoldsChecked: 0, holdsVoided: [], capturesReported: [], orphanHoldsVoided: [], failures: [] };
  const command = (
    base: { rideId: string; amount: number; currency: string; correlationId: string },
    action: "void" | "capture",
    driverId: string | null,
  ): PaymentCommandMessage => ({
    kind: "payment.command",
    action,
    rideId: base.rideId,
    amount: { amount: base.amount, currency: "KRW" },
    paymentMethod: "",
    product: "standard",
    driverId,
    idempotencyKey: `${base.rideId}:${action}`,
    correlationId: base.correlationId,
    causationId: "reconciliation",
  });

  const before = new Date(now - options.minAgeMs).toISOString();
  const toCheck = await openHoldsToCheck(deps, before);
  const failed = new Set<string>();
  for (const hold of toCheck.holds) {
    report.openHoldsChecked += 1;
    try {
      if (isDuesAccount(hold.rideId)) {
        // A dues charge is done within its request; a hold still open this late lost its capture.
        if (!hold.providerRef || now - Date.parse(hold.createdAt) < DUES_CHARGE_MAX_MS) continue;
        const key = duesVoidKey(hold.idempotencyKey);
        const voided = await voidHold(deps, {
          rideId: hold.rideId,
          holdRef: hold.providerRef,
          amount: hold.amount,
          key,
          correlationId: hold.correlationId,
          detail: null,
        });
        if (voided) report.holdsVoided.push(hold.rideId);
        continue;
      }
      const ride = await deps.ride(hold.rideId);
      // A hold is owed a void when its ride is over without a capture: cancelled, gone, or
      // completed unpaid (a capture refused for good: the fare became the rider's dues). A ride
      // that took its money (captured, refunded since) captured this hold, its one, after the
      // open holds were read: a void would be refused by the provider and logged as one.
      if (!holdIsOwedAVoid(hold.rideId, ride) || tookItsMoney(ride)) continue;
      const result = await handlePaymentCommand(command(hold, "void", null), deps);
      if (result.outcome === "succeeded") report.holdsVoided.push(hold.rideId);
    } catch (error) {
      failed.add(hold.idempotencyKey);
      report.failures.push({ rideId: hold.rideId, error: String(error) });
    }
  }
  // The walk moves past its page once the page's holds were all judged (an operator's run leaves it where it is).
  if (options.walk ?? true) {
    const { at, next, stuckSince, open } = toCheck.walk;
    const failedHere = open.filter((h) => failed.has(h.idempotencyKey)).map((h) => h.rideId);
    const after = afterRun("ledger", { at, next, stuckSince, failed: failedHere.length > 0, now }, failedHere);
    await deps.ledger.keepHoldWalk(after.position, after.stuckSince);
  }

  for (const capture of await deps.ledger.captures(before)) {
    try {
      const ride = await deps.ride(capture.rideId);
      if (!ride || ride.status !== "payment_pending" || ride.payment.status === "captured") continue;
      const cmd = { ...command(capture, "capture", ride.driver?.id ?? null), idempotencyKey: capture.idempotencyKey };
      await handlePaymentCommand(cmd, deps);
      report.capturesReported.push(capture.rideId);
    } catch (error) {
      report.failures.push({ rideId: capture.rideId, error: String(error) });
    }
  }

  await voidOrphanHolds(deps, { minAgeMs: options.minAgeMs, now, walk: options.walk ?? true }, report);
  return report;
}

/** Open holds the provider lists a run, at most: a listing of those old enough, then as many of the walk's window. */
export const PROVIDER_HOLDS_LISTED = 500;

/**
 * The provider's open holds old enough to judge: up to a listing of them (in no order the
 * provider promises), and when there are more, the walk's next window further back
 * (src/payments/provider-walk.ts), each once; with where the walk goes next (`walked`), for
 * the caller to keep once the window's holds are judged. None without `walk`.
 */
async function providerOpenHolds(
  deps: ReconcileDeps,
  options: { minAgeMs: number; now: number; walk: boolean },
): Promise<{ holds: OpenHold[]; window?: { at: ProviderHoldWalk; next: ProviderHoldWalk | null; stuckSince: number | null; refs: Set<string> } }> {
  // Up to the second old enough, that second included (Stripe's `created` is in seconds): the
  // exact age is judged hold by hold (isOrphanCandidate).
  const topS = Math.floor((options.now - options.minAgeMs) / 1000) + 1;
  const bottomS = Math.floor((options.now - HOLD_LIFETIME_MS) / 1000);
  const first = await deps.provider.openHolds({ fromS: bottomS, beforeS: topS }, PROVIDER_HOLDS_LISTED);
  if (first.complete || !options.walk) return { holds: first.holds };
  const saved = await deps.ledger.providerWalk();
  const window = walkWindow(saved, topS, bottomS);
  const older = await deps.provider.openHolds(window, PROVIDER_HOLDS_LISTED);
  const next = walkOn(window, { listed: older.holds.length, limit: PROVIDER_HOLDS_LISTED, complete: older.complete }, bottomS);
  const refs = new Set(first.holds.map((h) => h.ref));
  // Stuck only on the window it stayed on (a walk started again from the newest is not).
  const stuckSince = saved?.beforeS === window.beforeS ? saved.stuckSince : null;
  // Where it stays should a hold fail: the window, or the half it goes on to when read in part (the same end, so nothing
  // is passed over), so that a window too full to list is still narrowed while a hold in it fails.
  const at = next && next.beforeS === window.beforeS ? next : { beforeS: window.beforeS, spanS: window.beforeS - window.fromS };
  return {
    holds: [...first.holds, ...older.holds.filter((h) => !refs.has(h.ref))],
    window: { at, next, stuckSince, refs: new Set(older.holds.map((h) => h.ref)) },
  };
}

/**
 * The provider's open holds the ledger does not know as placed, old enough: voided when
 * their ride is gone, cancelled or completed (or they are a dues account's). A live ride's
 * hold is left alone: the ride's watchdog asks for its authorisation again under the same
 * key, and the provider answers with this hold, which the ledger then records.
 */
async function voidOrphanHolds(deps: ReconcileDeps, options: { minAgeMs: number; now: number; walk: boolean }, report: ReconcileReport): Promise<void> {
  let listed: Awaited<ReturnType<typeof providerOpenHolds>>;
  try {
    listed = await providerOpenHolds(deps, options);
  } catch (error) {
    report.failures.push({ rideId: "", error: `listing the provider's open holds failed: ${String(error)}` });
    return;
  }
  const failed: { ref: string; rideId: string }[] = [];
  for (const hold of listed.holds) {
    try {
      const known = await deps.ledger.find(hold.idempotencyKey);
      if (!isOrphanCandidate(hold, known, options.now, options.minAgeMs)) continue;
      // A dues charge in flight: its capture may still come (see DUES_CHARGE_MAX_MS).
      if (isDuesAccount(hold.reference) && !isOrphanCandidate(hold, known, options.now, DUES_CHARGE_MAX_MS)) continue;
      const ride = isDuesAccount(hold.reference) ? null : await deps.ride(hold.reference);
      if (!holdIsOwedAVoid(hold.reference, ride)) continue;
      const voided = await voidHold(deps, {
        rideId: hold.reference,
        holdRef: hold.ref,
        amount: hold.amount.amount,
        key: orphanVoidKey(hold),
        correlationId: known?.correlationId ?? "reconciliation",
        detail: `orphan hold placed under ${hold.idempotencyKey}`,
      });
      if (voided) report.orphanHoldsVoided.push(hold.reference);
    } catch (error) {
      failed.push({ ref: hold.ref, rideId: hold.reference });
      report.failures.push({ rideId: hold.reference, error: String(error) });
    }
  }
  // The walk moves on only once its window's holds were all judged: one that failed (its ride or
  // the provider did not answer) is read again next run, not at the next pass, days later.
  const window = listed.window;
  if (!window) return;
  const failedHere = failed.filter((h) => window.refs.has(h.ref)).map((h) => h.rideId);
  const after = afterRun(
    "provider",
    { at: window.at, next: window.next, stuckSince: window.stuckSince, failed: failedHere.length > 0, now: options.now },
    failedHere,
  );
  await deps.ledger.keepProviderWalk(after.position, after.stuckSince);
}
