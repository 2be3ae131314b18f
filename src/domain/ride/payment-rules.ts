/**
 * The ride's payment rules: the payment worker's results (hold, capture, void, settle,
 * refund) and the operator's payment commands, as entries of the one rules table.
 */
import type { EventDraft } from "./types";
import { hasFee } from "./payment";
import {
  addDues,
  BEFORE_BOARDING,
  cancel,
  captured,
  declinedLeft,
  dropFee,
  endUnpaid,
  holdToCapture,
  knownRefund,
  LIVE,
  refundable,
  refundOf,
  sameRefund,
  refundedSoFar,
  refuse,
  releaseOffered,
  retriedBy,
  settledRefund,
  type Rule,
} from "./rule-kit";

type PaymentCommandType =
  | "paymentAuthorized"
  | "paymentDeclined"
  | "paymentCaptured"
  | "paymentCaptureFailed"
  | "abandonCapture"
  | "paymentSettled"
  | "refund"
  | "paymentRefunded"
  | "paymentRefundDeclined"
  | "retryCapture"
  | "paymentVoided";

/**
 * Rides a refund may come for: a completed ride's fare, and a cancelled ride's no-show fee
 * (its fare too, captured from the hold). The guard asks for a capture; a plain cancel has none.
 */
const REFUNDABLE = ["completed", "cancelled"] as const;

/** A refund's result (taken or declined): for a refund the ride asked, taken once. */
const REFUND_RESULT = { from: REFUNDABLE, to: "same", guard: knownRefund, repeat: settledRefund } as const;

/**
 * @example
 * PAYMENT_RULES.paymentVoided.from; // ["cancelled"]
 */
export const PAYMENT_RULES: { [K in PaymentCommandType]: Rule<K> } = {
  paymentAuthorized: {
    from: [...LIVE, "cancelled"],
    to: "same",
    repeat: (r) => r.ride.payment.status !== "pending",
    apply: (next) => ((next.ride.payment = { status: "authorized" }), [{ type: "PaymentAuthorized", data: { amount: next.holdAmount } }]),
  },
  paymentDeclined: {
    // Before boarding the ride is cancelled (its driver freed); during the trip it goes
    // on; after drop-off it ends unpaid; on a cancelled ride it only settles the payment.
    from: [...LIVE, "cancelled"],
    to: "same",
    repeat: (r) => r.ride.payment.status !== "pending",
    before: (r, next) => (next.ride.status === "cancelled" && r.ride.status !== "cancelled" ? releaseOffered(r) : addDues(next)),
    apply: (next) => {
      const status = next.ride.status;
      next.ride.payment = { status: "declined" };
      const declined: EventDraft = { type: "PaymentDeclined", data: {} };
      if (BEFORE_BOARDING.includes(status)) return [declined, ...cancel(next, { by: "system", reason: "payment_declined" })];
      if (status === "payment_pending") return [declined, ...endUnpaid(next, "hold declined")];
      // A no-show reported before the hold's answer: with no hold there is no fee to take. It is
      // dropped as a refused capture drops it, and the rider, told it would be charged, is told not.
      if (hasFee(next)) return [declined, ...dropFee(next, "hold declined")];
      return [declined];
    },
  },
  paymentCaptured: {
    // The fare after drop-off, or a no-show's fee from a cancelled ride's hold.
    from: ["payment_pending", "cancelled"],
    to: "same",
    guard: holdToCapture,
    repeat: (r) => r.ride.payment.status === "captured",
    apply: (next, c) => {
      const settlement = c.settlement ? { settlement: c.settlement } : {};
      const capturedEvent: EventDraft = { type: "PaymentCaptured", data: { amount: next.ride.fare, ...settlement } };
      next.ride.payment = { status: "captured" };
      if (next.ride.status !== "payment_pending") return [capturedEvent];
      next.ride.status = "completed";
      return [capturedEvent, { type: "RideCompleted", data: { fare: next.ride.fare } }];
    },
  },
  paymentCaptureFailed: {
    // After drop-off the ride waits for an operator's retry (the `capture` timer bounds
    // the wait); a no-show fee the provider refused is dropped and the hold voided.
    from: ["payment_pending", "cancelled"],
    to: "same",
    guard: holdToCapture,
    // A repeated result: the capture is marked failed, or the fee already dropped.
    repeat: (r) => r.ride.payment.status === "failed" || (r.ride.status === "cancelled" && !r.noShowFee),
    apply: (next, c) => {
      if (next.ride.status === "cancelled") return dropFee(next, c.reason);
      next.ride.payment = { status: "failed" };
      return [{ type: "PaymentFailed", data: { reason: c.reason } }];
    },
  },
  abandonCapture: {
    from: ["payment_pending"],
    to: "same",
    guard: (r) => (r.ride.payment.status === "failed" ? null : refuse("invalid_transition", `no refused capture (payment ${r.ride.payment.status})`)),
    before: (_r, next) => addDues(next),
    apply: (next) => {
      const fare = next.ride.fare ?? next.ride.quote;
      next.ride.status = "completed";
      return [
        { type: "DuesIncurred", data: { amount: fare } },
        { type: "RideCompleted", data: { fare } },
      ];
    },
  },
  paymentSettled: {
    from: ["completed"],
    to: "same",
    repeat: (r) => r.driverSettled === true,
    guard: (r) => (r.ride.payment.status === "failed" ? null : refuse("invalid_transition", "only an unpaid fare is settled by the platform")),
    apply: (next, c) => {
      next.driverSettled = true;
      return [{ type: "DriverSettled", data: { settlement: c.settlement } }];
    },
  },
  refund: {
    from: REFUNDABLE,
    to: "same",
    // The same request again (same key, same body) does nothing twice; the key with another body is a conflict (guard).
    // A declined refund's repeat is refused, not answered as done: the ledger answers its key with the decline for
    // good, so asking again takes a new key (an operator who got 202 again would think the money went back).
    repeat: (r, c) => sameRefund(refundOf(r, c.key), c) && refundOf(r, c.key)?.status !== "declined",
    guard: (r, c) => {
      const kept = refundOf(r, c.key);
      if (kept?.status === "declined" && sameRefund(kept, c))
        return refuse("invalid_transition", "the provider declined this refund; to ask again, send it with a new Idempotency-Key (or another reason)");
      if (kept) return refuse("idempotency_conflict", "this Idempotency-Key was used for a different refund");
      if (!captured(r)) return refuse("invalid_transition", `nothing captured to refund (payment ${r.ride.payment.status})`);
      const left = refundable(r);
      const amount = c.amount?.amount ?? left;
      if (amount <= 0) return refuse("invalid_transition", "the fare is refunded in full already");
      return amount > left ? refuse("invalid_transition", `${amount} is more than the ${left} KRW left to refund`) : null;
    },
    apply: (next, c) => {
      const amount = c.amount ?? { amount: refundable(next), currency: "KRW" };
      const retries = retriedBy(next, amount.amount);
      next.refunds = [...(next.refunds ?? []), { key: c.key, amount, asked: c.amount?.amount ?? null, reason: c.reason, retries, status: "pending" }];
      // What of a declined refund it retries, for the operators' timeline (left out of the rider's and driver's).
      return [
        { type: "RefundRequested", data: { key: c.key, amount, reason: c.reason, ...(retries > 0 ? { retries: { amount: retries, currency: "KRW" } } : {}) } },
      ];
    },
  },
  paymentRefunded: {
    ...REFUND_RESULT,
    apply: (next, c) => {
      const refund = refundOf(next, c.key)!;
      refund.status = "succeeded";
      next.ride.payment = { status: "refunded", refundedAmount: { amount: refundedSoFar(next), currency: "KRW" } };
      // A decline this refund leaves open stays the operators' problem (the views keep it listed).
      const left = declinedLeft(next);
      const open = left > 0 ? { declinedLeft: { amount: left, currency: "KRW" } } : {};
      return [{ type: "PaymentRefunded", data: { key: c.key, amount: refund.amount, adjustment: c.adjustment, ...open } }];
    },
  },
  paymentRefundDeclined: {
    ...REFUND_RESULT,
    apply: (next, c) => {
      const refund = refundOf(next, c.key)!;
      refund.status = "declined";
      return [{ type: "RefundDeclined", data: { key: c.key, amount: refund.amount, detail: c.detail } }];
    },
  },
  retryCapture: {
    from: ["payment_pending"],
    to: "same",
    // An operator's retry sent twice (a double click, a network retry) while its capture is on its way: the same retry.
    repeat: (r) => r.ride.payment.status === "authorized" && (r.captureAttempt ?? 1) > 1,
    guard: (r) => (r.ride.payment.status === "failed" ? null : refuse("invalid_transition", `nothing to retry (payment ${r.ride.payment.status})`)),
    apply: (next) => {
      // The hold is still there; the next capture goes out under a new idempotency key.
      next.ride.payment = { status: "authorized" };
      next.captureAttempt = (next.captureAttempt ?? 1) + 1;
      return [{ type: "PaymentRetryRequested", data: { attempt: next.captureAttempt } }];
    },
  },
  paymentVoided: {
    from: ["cancelled"],
    to: "same",
    // A void refused while the ride owes a capture (a no-show fee; reconciliation voids any
    // cancelled ride's hold) is no news: the hold is being charged, not gone, and the capture's
    // result settles the ride. Only a void the ride itself waits for is ended by a refusal.
    repeat: (r, c) => r.ride.payment.status === "voided" || (c.refused !== undefined && hasFee(r)),
    guard: (r) => (r.ride.payment.status === "authorized" ? null : refuse("invalid_transition", `no hold to void (payment ${r.ride.payment.status})`)),
    apply: (next, c) => {
      next.ride.payment = { status: "voided" };
      return [{ type: "PaymentVoided", data: { amount: next.holdAmount, ...(c.refused ? { refused: c.refused } : {}) } }];
    },
  },
};
