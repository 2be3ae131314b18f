/**
 * The crash test's checks for rentals, pure like the rides' (invariants.ts): their input is
 * what the stores said of every accepted rental once the system settled (the Rental DO
 * through GET /v1/rentals/{id}, its payment ledger, the operators' list) and of every
 * vehicle (the operators' list); their output the violations. Unit-tested in
 * `test/crash-rental-invariants.unit.test.ts`.
 */
import { ledgerLine, type LedgerEntry, type Violation } from "./invariants.ts";

/** A rental as an answer shows it. */
export interface RentalView {
  id: string;
  vehicleId: string;
  status: string;
  price: { amount: number };
  payment: { status: string };
  version?: number;
}

export interface VehicleView {
  id: string;
  status: string;
}

/** Everything the stores said of the rentals once the system had settled. */
export interface ObservedRentals {
  /** Every rental id the system answered 202 for. */
  accepted: string[];
  /** The Rental DO (GET /v1/rentals/{id} as ops) of each; null: 404. */
  rentals: Record<string, RentalView | null>;
  /** GET /v1/ops/rentals/{id}/payments of each. */
  ledgers: Record<string, LedgerEntry[]>;
  /** GET /v1/ops/rentals, every page. */
  opsList: RentalView[];
  /** GET /v1/ops/rental-vehicles, every page: the load's vehicles among them. */
  vehicles: VehicleView[];
}

const said = (r: RentalView | null | undefined) => (r ? `${r.status}/${r.payment.status}` : "absent");
const succeeded = (ledger: LedgerEntry[], kind: string) => ledger.filter((e) => e.kind === kind && e.outcome === "succeeded");

/**
 * Why a rental is not over, or null when it is: `completed` and captured; `cancelled` or
 * `declined` with nothing kept (refunded, voided, or the card declined). A cancelled rental
 * still `captured` waits for its refund; a `requested` or `confirmed` one is under way.
 *
 * @example
 * rentalNotOver({ status: "cancelled", payment: { status: "captured" } }); // "cancelled with payment captured"
 */
export function rentalNotOver(rental: Pick<RentalView, "status" | "payment">): string | null {
  const p = rental.payment.status;
  if (rental.status === "completed") return p === "captured" ? null : `completed with payment ${p}`;
  if (rental.status === "cancelled" || rental.status === "declined") {
    return p === "refunded" || p === "voided" || p === "declined" ? null : `${rental.status} with payment ${p}`;
  }
  return `${rental.status} with payment ${p}`;
}

/** Accepted rentals no Rental DO knows, and those not over. */
export function checkRentalEnds(o: ObservedRentals): Violation[] {
  return o.accepted.flatMap((id): Violation[] => {
    const rental = o.rentals[id];
    const stores = { rental: said(rental), ops: said(o.opsList.find((r) => r.id === id)), ledger: ledgerLine(o.ledgers[id]) };
    if (!rental) return [{ invariant: "rentalsLost", rentalId: id, detail: "answered 202, now 404", stores }];
    const why = rentalNotOver(rental);
    return why ? [{ invariant: "rentalsStuck", rentalId: id, detail: why, stores }] : [];
  });
}

/**
 * The ledger agrees with the rental: at most one capture; a captured or refunded rental was
 * captured once, of its price; a refunded one refunded in full, once; one that kept nothing
 * else (declined, voided) was never captured.
 */
export function checkRentalLedger(o: ObservedRentals): Violation[] {
  return o.accepted.flatMap((id): Violation[] => {
    const rental = o.rentals[id];
    if (!rental) return [];
    const ledger = o.ledgers[id] ?? [];
    const captures = succeeded(ledger, "capture");
    const refunds = succeeded(ledger, "refund");
    const p = rental.payment.status;
    const problem =
      captures.length > 1
        ? `${captures.length} captures`
        : (p === "captured" || p === "refunded") && (captures.length !== 1 || captures[0]!.amount !== rental.price.amount)
          ? `payment ${p} but captured ${captures.map((c) => c.amount).join(", ") || "nothing"} of ${rental.price.amount}`
          : p === "refunded" && (refunds.length !== 1 || refunds[0]!.amount !== rental.price.amount)
            ? `payment refunded but refunds ${refunds.map((r) => r.amount).join(", ") || "none"} of ${rental.price.amount}`
            : (p === "declined" || p === "voided") && captures.length > refunds.length
              ? `payment ${p} but captured and not refunded`
              : null;
    return problem
      ? [{ invariant: "rentalLedgerMismatches", rentalId: id, detail: problem, stores: { rental: said(rental), ledger: ledgerLine(ledger) } }]
      : [];
  });
}

/** The operators' list shows every accepted rental as its Rental DO has it (status, payment, version). */
export function checkRentalViews(o: ObservedRentals): Violation[] {
  const line = (r: RentalView | null | undefined) => (r ? `${r.status}/${r.payment.status}/v${r.version ?? "?"}` : "absent");
  return o.accepted.flatMap((id): Violation[] => {
    const rental = o.rentals[id];
    const listed = o.opsList.find((r) => r.id === id);
    if (!rental || line(listed) === line(rental)) return [];
    return [
      {
        invariant: "rentalViewMismatches",
        rentalId: id,
        detail: "the operators' list differs from the Rental DO",
        stores: { rental: line(rental), ops: line(listed) },
      },
    ];
  });
}

/** Once every rental is over, no vehicle of the load is still rented (in the operators' list). */
export function checkVehicles(o: ObservedRentals, vehicleIds: string[]): Violation[] {
  const live = o.accepted.filter((id) => {
    const status = o.rentals[id]?.status;
    return status === "requested" || status === "confirmed";
  });
  return vehicleIds.flatMap((id): Violation[] => {
    const vehicle = o.vehicles.find((v) => v.id === id);
    if (vehicle?.status === "available") return [];
    const holders = live.filter((r) => o.rentals[r]?.vehicleId === id);
    if (vehicle?.status === "rented" && holders.length > 0) return []; // a rental still under way holds it (counted as stuck)
    return [
      {
        invariant: "vehiclesHeld",
        rentalId: holders[0],
        detail: `vehicle ${id} ${vehicle ? vehicle.status : "not listed"} with no rental under way`,
        stores: { ops: vehicle?.status ?? "absent" },
      },
    ];
  });
}

/** Every rental check. */
export function checkRentals(o: ObservedRentals, vehicleIds: string[]): Violation[] {
  return [...checkRentalEnds(o), ...checkRentalLedger(o), ...checkRentalViews(o), ...checkVehicles(o, vehicleIds)];
}

/** How the accepted rentals ended, from the Rental DOs: `status/payment` → count. */
export function rentalOutcomes(o: ObservedRentals): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const id of o.accepted) figures[said(o.rentals[id])] = (figures[said(o.rentals[id])] ?? 0) + 1;
  return figures;
}
