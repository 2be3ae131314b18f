/**
 * The crash test's checks, pure: their input is what each store said after the system
 * settled (the Ride DO through GET /v1/rides/{id}, the payment ledger, the rider's and the
 * operators' lists, the stats, the Driver DOs, the drivers' view, the earnings), their
 * output the violations, each naming the ride or driver and what every store said of it.
 * `test/crash-invariants.unit.test.ts` shows each check failing on a small hand-made case.
 */

export interface Money {
  amount: number;
  currency?: string;
}

/** A ride as an answer shows it (the Ride DO's, or a list's snapshot). */
export interface RideView {
  id: string;
  status: string;
  riderId: string;
  version?: number;
  driver: { id: string } | null;
  fare: Money | null;
  payment: { status: string };
  cancellation?: { by: string; reason: string } | null;
}

/** One row of GET /v1/ops/rides/{id}/payments. */
export interface LedgerEntry {
  idempotencyKey: string;
  kind: string;
  amount: number;
  outcome: string;
}

export interface DriverView {
  id: string;
  status: string;
  currentRideId: string | null;
}

export interface EarningItem {
  rideId: string;
  fare: Money;
  commission: Money;
  earning: Money;
}

export interface Earnings {
  items: EarningItem[];
  total: Money;
}

/** Everything the stores said once the system had settled. */
export interface Observed {
  /** Every ride id the system answered 202 for. */
  accepted: string[];
  /** Ride id → the rider whose request got the 202. */
  owners: Record<string, string>;
  /** The Ride DO (GET /v1/rides/{id}) of every accepted or listed ride; null: 404. */
  rides: Record<string, RideView | null>;
  /** The ledger of every ride in `rides`. */
  ledgers: Record<string, LedgerEntry[]>;
  /** Rider id → their list (GET /v1/rides as the rider, every page). */
  riderLists: Record<string, RideView[]>;
  /** GET /v1/ops/rides, every page. */
  opsList: RideView[];
  /** GET /v1/ops/stats `ridesByStatus`. */
  stats: Record<string, number>;
  /** Driver id → the Driver DO (GET /v1/drivers/me as the driver); null: no answer. */
  drivers: Record<string, DriverView | null>;
  /** GET /v1/ops/drivers (the drivers' view). */
  driverViews: DriverView[];
  /** Driver id → GET /v1/drivers/me/earnings (every page). */
  earnings: Record<string, Earnings>;
}

export const INVARIANTS = [
  "lost",
  "stuck",
  "doubleCaptures",
  "openHolds",
  "ledgerMismatches",
  "busyDrivers",
  "viewMismatches",
  "statsMismatches",
  "earningsMismatches",
  // rentals (rental-invariants.ts)
  "rentalsLost",
  "rentalsStuck",
  "rentalLedgerMismatches",
  "rentalViewMismatches",
  "vehiclesHeld",
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  invariant: InvariantName;
  rideId?: string;
  driverId?: string;
  rentalId?: string;
  detail: string;
  /** What each store said. */
  stores: Record<string, unknown>;
}

const ACTIVE = ["requested", "dispatching", "driver_assigned", "driver_arrived", "in_progress"];
const ENDED = ["completed", "cancelled"];

const succeeded = (ledger: LedgerEntry[], kind: string) => ledger.filter((e) => e.kind === kind && e.outcome === "succeeded");
/** A void the provider refused, with no capture: the hold was gone (the ride and the ledger take it as closed). */
const refusedVoid = (ledger: LedgerEntry[]) => succeeded(ledger, "capture").length === 0 && ledger.some((e) => e.kind === "void" && e.outcome === "declined");
const said = (r: RideView | null | undefined) => (r ? `${r.status}/${r.payment.status}` : "absent");
/** A ledger in one line: `authorize:succeeded capture:succeeded`. */
export const ledgerLine = (ledger: LedgerEntry[] | undefined) => (ledger ?? []).map((e) => `${e.kind}:${e.outcome}`).join(" ") || "empty";

/** Every ride the stores know of: the accepted ones first, then those only a list showed. */
export function knownRideIds(o: Observed): string[] {
  const ids = new Set(o.accepted);
  for (const id of Object.keys(o.rides)) ids.add(id);
  for (const r of o.opsList) ids.add(r.id);
  return [...ids];
}

/**
 * Why a ride is not over as it should be, or null when it is: `completed` with payment
 * `captured` (or `failed`: a late decline, the fare the rider's dues), or `cancelled` with
 * payment `voided` or `declined` (the hold never taken). A cancelled ride whose payment is
 * still `pending` is not over: its watchdog keeps asking for the hold's outcome until it
 * knows, so that a hold placed before a crash is found and voided.
 */
export function notOver(ride: RideView, ledger: LedgerEntry[]): string | null {
  const p = ride.payment.status;
  if (ride.status === "completed") return p === "captured" || p === "failed" ? null : `completed with payment ${p}`;
  if (ride.status === "cancelled") {
    if (p === "voided" || p === "declined") return null;
    return `cancelled with payment ${p} (ledger: ${ledgerLine(ledger)})`;
  }
  return `${ride.status} with payment ${p}`;
}

/** Accepted rides the Ride DO does not know. */
export function checkLost(o: Observed): Violation[] {
  return o.accepted
    .filter((id) => !o.rides[id])
    .map((id) => ({
      invariant: "lost",
      rideId: id,
      detail: "answered 202, now 404",
      stores: { ride: "absent", ops: said(o.opsList.find((r) => r.id === id)) },
    }));
}

/** Rides that did not end as a ride should (see `notOver`). */
export function checkStuck(o: Observed): Violation[] {
  const out: Violation[] = [];
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    if (!ride) continue;
    const why = notOver(ride, o.ledgers[id] ?? []);
    if (!why) continue;
    const cancelled = ride.cancellation ? { cancelledBy: `${ride.cancellation.by}: ${ride.cancellation.reason}` } : {};
    out.push({ invariant: "stuck", rideId: id, detail: why, stores: { ride: said(ride), ...cancelled, ledger: ledgerLine(o.ledgers[id]) } });
  }
  return out;
}

/** More than one successful capture of one ride. */
export function checkDoubleCaptures(o: Observed): Violation[] {
  return Object.entries(o.ledgers)
    .filter(([, ledger]) => succeeded(ledger, "capture").length > 1)
    .map(([id, ledger]) => ({
      invariant: "doubleCaptures",
      rideId: id,
      detail: `${succeeded(ledger, "capture").length} successful captures`,
      stores: { ride: said(o.rides[id]), ledger: ledgerLine(ledger) },
    }));
}

/**
 * A successful hold of an ended (or vanished) ride must be settled exactly once: one capture or
 * one void, or else a void the provider refused (nothing left to release: the ride takes it as voided).
 */
export function checkOpenHolds(o: Observed): Violation[] {
  const out: Violation[] = [];
  for (const [id, ledger] of Object.entries(o.ledgers)) {
    const ride = o.rides[id];
    if (succeeded(ledger, "authorize").length === 0 || (ride && !ENDED.includes(ride.status))) continue;
    const settled = succeeded(ledger, "capture").length + succeeded(ledger, "void").length;
    if (settled === 1 || (settled === 0 && refusedVoid(ledger))) continue;
    const detail = settled === 0 ? "hold neither captured nor voided" : `hold settled ${settled} times`;
    out.push({ invariant: "openHolds", rideId: id, detail, stores: { ride: said(ride), ledger: ledgerLine(ledger) } });
  }
  return out;
}

/** The ride's payment status against its ledger: each outcome the ride shows is in the ledger, and each success in the ledger reached the ride. */
export function checkLedger(o: Observed): Violation[] {
  const out: Violation[] = [];
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    if (!ride) continue;
    const ledger = o.ledgers[id] ?? [];
    const p = ride.payment.status;
    const captured = succeeded(ledger, "capture").length > 0;
    const voided = succeeded(ledger, "void").length > 0;
    const voidRefused = refusedVoid(ledger);
    const declined = ledger.some((e) => e.kind === "authorize" && e.outcome === "declined");
    let why: string | null = null;
    if (p === "captured" && !captured) why = "ride says captured, the ledger has no successful capture";
    else if (p === "voided" && !voided && !voidRefused)
      why = captured ? "the ledger captured, the ride says voided" : "ride says voided, the ledger has no void, done or refused";
    else if (p === "declined" && !declined) why = "ride says declined, the ledger has no declined hold";
    else if (captured && p !== "captured" && p !== "refunded") why = `the ledger captured, the ride says ${p}`;
    else if (voided && p !== "voided") why = `the ledger voided, the ride says ${p}`;
    if (why) out.push({ invariant: "ledgerMismatches", rideId: id, detail: why, stores: { ride: said(ride), ledger: ledgerLine(ledger) } });
  }
  return out;
}

/**
 * Whether driver `driverId`, as `d` says, is busy (`on_trip` or `offered`) without a ride that
 * is still under way with them: the `busyDrivers` invariant, and what settling waits out.
 */
export function heldWithoutRide(driverId: string, d: Pick<DriverView, "status" | "currentRideId">, rides: Readonly<Record<string, RideView | null>>): boolean {
  if (d.status !== "on_trip" && d.status !== "offered") return false;
  const ride = d.currentRideId ? rides[d.currentRideId] : null;
  return !(!!ride && ACTIVE.includes(ride.status) && (d.status === "offered" || ride.driver?.id === driverId));
}

/**
 * A driver `on_trip` or `offered` must hold a ride that is still under way (and be that
 * ride's driver); no driver may be the driver of two rides under way. Checked on the Driver
 * DO and on the drivers' view.
 */
export function checkDrivers(o: Observed): Violation[] {
  const out: Violation[] = [];
  const activeOf = new Map<string, string[]>();
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    if (ride?.driver && ACTIVE.includes(ride.status)) activeOf.set(ride.driver.id, [...(activeOf.get(ride.driver.id) ?? []), id]);
  }
  const views = new Map(o.driverViews.map((d) => [d.id, d]));
  const ids = new Set([...Object.keys(o.drivers), ...views.keys()]);
  for (const driverId of ids) {
    const truth = o.drivers[driverId] ?? null;
    const view = views.get(driverId) ?? null;
    const stores = {
      driver: truth ? `${truth.status} ${truth.currentRideId ?? "-"}` : "absent",
      view: view ? `${view.status} ${view.currentRideId ?? "-"}` : "absent",
    };
    for (const [store, d] of [
      ["driver", truth],
      ["view", view],
    ] as const) {
      if (!d || !heldWithoutRide(driverId, d, o.rides)) continue;
      const ride = d.currentRideId ? o.rides[d.currentRideId] : null;
      const detail = `${store} says ${d.status} with ride ${d.currentRideId ?? "none"}, which is ${ride ? said(ride) : "absent"}`;
      out.push({ invariant: "busyDrivers", driverId, rideId: d.currentRideId ?? undefined, detail, stores: { ...stores, ride: said(ride) } });
    }
    const rides = activeOf.get(driverId) ?? [];
    if (rides.length > 1) {
      out.push({
        invariant: "busyDrivers",
        driverId,
        detail: `driver of ${rides.length} rides under way: ${rides.join(", ")}`,
        stores: { ...stores, rides: rides.map((id) => `${id} ${said(o.rides[id])}`) },
      });
    }
  }
  return out;
}

/** The rider's list and the operators' list show each ride with the Ride DO's status and payment; the drivers' view agrees with the Driver DOs. */
export function checkViews(o: Observed): Violation[] {
  const out: Violation[] = [];
  const ops = new Map(o.opsList.map((r) => [r.id, r]));
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    if (!ride) continue;
    const owner = o.owners[id] ?? ride.riderId;
    const mine = o.riderLists[owner]?.find((r) => r.id === id);
    const listed = ops.get(id);
    const same = (r: RideView | undefined) => !!r && r.status === ride.status && r.payment.status === ride.payment.status;
    if (!same(mine) || !same(listed)) {
      const behind = [!same(mine) ? "rider's list" : null, !same(listed) ? "ops list" : null].filter(Boolean).join(" and ");
      out.push({
        invariant: "viewMismatches",
        rideId: id,
        detail: `${behind} disagree${behind.includes(" and ") ? "" : "s"} with the ride`,
        stores: { ride: said(ride), riderList: said(mine), opsList: said(listed) },
      });
    }
  }
  for (const view of o.driverViews) {
    const truth = o.drivers[view.id];
    if (truth && (truth.status !== view.status || truth.currentRideId !== view.currentRideId)) {
      out.push({
        invariant: "viewMismatches",
        driverId: view.id,
        detail: "drivers' view disagrees with the driver",
        stores: { driver: `${truth.status} ${truth.currentRideId ?? "-"}`, view: `${view.status} ${view.currentRideId ?? "-"}` },
      });
    }
  }
  return out;
}

/** GET /v1/ops/stats counts by status against the Ride DOs of every known ride. */
export function checkStats(o: Observed): Violation[] {
  const counts: Record<string, number> = {};
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    if (ride) counts[ride.status] = (counts[ride.status] ?? 0) + 1;
  }
  const statuses = new Set([...Object.keys(counts), ...Object.keys(o.stats)]);
  return [...statuses]
    .filter((s) => (counts[s] ?? 0) !== (o.stats[s] ?? 0))
    .map((s) => ({
      invariant: "statsMismatches",
      detail: `${s}: stats say ${o.stats[s] ?? 0}, the rides ${counts[s] ?? 0}`,
      stores: { stats: o.stats[s] ?? 0, rides: counts[s] ?? 0 },
    }));
}

/**
 * Each driver's earnings list exactly the rides they drove whose fare was taken (a
 * successful capture, or a `settle` of a late-declined fare), once each, with the ride's
 * fare, earning + commission = fare, and a total that is the sum of the earnings.
 */
export function checkEarnings(o: Observed): Violation[] {
  const out: Violation[] = [];
  const expected = new Map<string, string[]>();
  for (const id of knownRideIds(o)) {
    const ride = o.rides[id];
    const ledger = o.ledgers[id] ?? [];
    if (ride?.driver && (succeeded(ledger, "capture").length > 0 || succeeded(ledger, "settle").length > 0))
      expected.set(ride.driver.id, [...(expected.get(ride.driver.id) ?? []), id]);
  }
  const driverIds = new Set([...expected.keys(), ...Object.keys(o.earnings)]);
  for (const driverId of driverIds) {
    const earnings = o.earnings[driverId] ?? { items: [], total: { amount: 0 } };
    const want = expected.get(driverId) ?? [];
    const listed = earnings.items.map((i) => i.rideId);
    const problems: string[] = [];
    const missing = want.filter((id) => !listed.includes(id));
    const extra = listed.filter((id) => !want.includes(id));
    const twice = listed.filter((id, i) => listed.indexOf(id) !== i);
    if (missing.length) problems.push(`missing ${missing.join(", ")}`);
    if (extra.length) problems.push(`not theirs or not taken ${extra.join(", ")}`);
    if (twice.length) problems.push(`listed twice ${twice.join(", ")}`);
    for (const item of earnings.items) {
      const fare = o.rides[item.rideId]?.fare?.amount;
      if (fare !== undefined && item.fare.amount !== fare) problems.push(`${item.rideId} fare ${item.fare.amount}, the ride's ${fare}`);
      if (item.earning.amount + item.commission.amount !== item.fare.amount) problems.push(`${item.rideId} earning + commission != fare`);
    }
    const sum = earnings.items.reduce((s, i) => s + i.earning.amount, 0);
    if (sum !== earnings.total.amount) problems.push(`total ${earnings.total.amount}, the items sum to ${sum}`);
    if (problems.length)
      out.push({
        invariant: "earningsMismatches",
        driverId,
        detail: problems.join("; "),
        stores: { listed: listed.length, taken: want.length, total: earnings.total.amount },
      });
  }
  return out;
}

/** Every check, in the order of INVARIANTS. */
export function checkAll(o: Observed): Violation[] {
  return [checkLost, checkStuck, checkDoubleCaptures, checkOpenHolds, checkLedger, checkDrivers, checkViews, checkStats, checkEarnings].flatMap((check) =>
    check(o),
  );
}

/** The number of violations of each invariant (zeros included). */
export function countViolations(violations: Violation[]): Record<InvariantName, number> {
  const counts = Object.fromEntries(INVARIANTS.map((name) => [name, 0])) as Record<InvariantName, number>;
  for (const v of violations) counts[v.invariant] += 1;
  return counts;
}

/** How the accepted rides ended, from the Ride DOs. */
export function outcomes(o: Observed) {
  const figures = {
    accepted: o.accepted.length,
    completed: 0,
    cancelled: 0,
    other: 0,
    byStatusAndPayment: {} as Record<string, number>,
    cancelledFor: {} as Record<string, number>,
  };
  for (const id of o.accepted) {
    const ride = o.rides[id];
    const key = said(ride);
    figures.byStatusAndPayment[key] = (figures.byStatusAndPayment[key] ?? 0) + 1;
    if (ride?.status === "completed") figures.completed += 1;
    else if (ride?.status === "cancelled") {
      figures.cancelled += 1;
      const why = ride.cancellation ? `${ride.cancellation.by}: ${ride.cancellation.reason}` : "unknown";
      figures.cancelledFor[why] = (figures.cancelledFor[why] ?? 0) + 1;
    } else figures.other += 1;
  }
  return figures;
}
