/**
 * What each problem code means, for the pages at /problems/{code}: when the API answers
 * it and what a client should do. Keyed by ProblemCode, so a new code without its text
 * does not compile. Pure data: the gateway renders it (workers/gateway/problem-pages.ts).
 */
import { PROBLEM_CODES, PROBLEM_STATUS, PROBLEM_TITLE, problemType, type ProblemCode } from "./problem";

/** Whether the same request can succeed later, and when. */
export type RetryAdvice = "no" | "after-fixing" | "after-retry-after" | "with-backoff";

export interface ProblemText {
  /** When the API answers with this code. */
  when: string;
  /** What a client should do about it. */
  action: string;
  retry: RetryAdvice;
}

export const RETRY_ADVICE: Record<RetryAdvice, string> = {
  no: "No: the same request gets the same answer.",
  "after-fixing": "Only after changing the request (or the state it depends on).",
  "after-retry-after": "Yes, the same request, after the seconds of the Retry-After header.",
  "with-backoff": "Yes, later, with exponential backoff (and the same Idempotency-Key for a creation).",
};

const CATALOG: Record<ProblemCode, ProblemText> = {
  invalid_request: {
    when: "The body, a parameter or a header is malformed: JSON that does not parse, a wrong type, a value out of range, an unknown field, an expired quote. `errors` lists each failing path.",
    action: "Fix the request as `detail` and `errors` say; nothing was changed by it.",
    retry: "after-fixing",
  },
  unauthorized: {
    when: "No bearer token, or one that is malformed, expired or not signed by this API. Checked before the body is read.",
    action: "Get a new token and send it as `Authorization: Bearer <token>`. Repeated refused tokens are rate limited per address.",
    retry: "after-fixing",
  },
  forbidden: {
    when: "The token is valid but its role may not call the endpoint, or the resource is not the caller's (a rental key that does not unlock, a ride of another rider).",
    action: "Do not retry with the same token: the call needs another role or another resource.",
    retry: "no",
  },
  payment_required: {
    when: "The rider has unpaid dues (fares of rides that ended unpaid) and asks for a new ride or rental, or a payment of the dues was declined. The body carries `dues` (Money).",
    action: "Show the dues and let the rider pay them (POST /v1/me/dues/pay); then request again.",
    retry: "after-fixing",
  },
  driver_not_approved: {
    when: "A driver whose approval is pending or rejected goes online or accepts a ride.",
    action: "Wait for an operator's approval (the driver is notified); a rejected driver's reason is in approvalReason.",
    retry: "after-fixing",
  },
  not_found: {
    when: "The path or the resource does not exist, or exists but revealing it would leak (another rider's ride). Development endpoints outside development.",
    action: "Check the id and the path; do not retry.",
    retry: "no",
  },
  invalid_transition: {
    when: "The command is not possible in the resource's current state: cancelling a completed ride, completing a ride not started, refunding more than was captured, a no-show before the wait is over.",
    action: "Read the resource again (GET) and act on its current status; `detail` names the state.",
    retry: "after-fixing",
  },
  offer_not_available: {
    when: "A driver accepts or declines a ride that is not offered to them: the offer expired, went to another driver, or never existed (the same answer whichever, by design).",
    action: "Drop the offer from the driver's screen and wait for the next one.",
    retry: "no",
  },
  idempotency_conflict: {
    when: "An Idempotency-Key already used for a different request body (or by another rider) is sent again.",
    action: "Use a new key for a new request; reuse a key only to retry the very same request.",
    retry: "after-fixing",
  },
  handover_code_mismatch: {
    when: "A courier completes a parcel ride without the sender's handover code, or with a wrong one. After 5 wrong codes the ride refuses every completion until an operator acts.",
    action: "Ask the recipient for the code the sender was given and send it as handoverCode.",
    retry: "after-fixing",
  },
  vehicle_unavailable: {
    when: "A rental is requested for a vehicle that is already in another rental.",
    action: "Choose another vehicle (GET /v1/rental-vehicles lists the available ones).",
    retry: "after-fixing",
  },
  payload_too_large: {
    when: "The request body is over 16 KiB. Refused unread, before authentication.",
    action: "Send a smaller body; no request of this API needs more than 1 KiB.",
    retry: "after-fixing",
  },
  trip_too_long: {
    when: "The estimated trip is longer than the service's limit (MAX_TRIP_KM). Nothing is created.",
    action: "Tell the rider the trip is out of range; pick a closer drop-off.",
    retry: "after-fixing",
  },
  rate_limited: {
    when: "Too many requests: a rider's ride, quote, rental and dues payment requests, a driver's location reports, or anonymous calls (and refused tokens) from one address. Nothing was done.",
    action: "Wait the seconds of the Retry-After header, then send the same request.",
    retry: "after-retry-after",
  },
  internal: {
    when: "A fault of the service itself (a bug, a missing configuration). Never the answer to a bad request.",
    action: "Retry later with backoff; if it persists, report the `requestId` of the body.",
    retry: "with-backoff",
  },
  no_drivers_nearby: {
    when: "A ride is requested where no driver has been free lately: the area turns requests away for a short while rather than letting them wait and time out.",
    action: "Tell the rider; request again after the seconds of the Retry-After header.",
    retry: "after-retry-after",
  },
  unavailable: {
    when: "A service this request needs could not be reached (the payment provider, a vehicle, the ride's effects), is not configured (JWT_SECRET), or the platform under it asked to be tried again (a Durable Object restarting or overloaded, the database's connection lost, one of our services not answering in time). The request may have gone through before the failure: sending the same request again, with the same Idempotency-Key where it takes one, never charges twice.",
    action:
      "Retry after the seconds of the Retry-After header when it is given, else with backoff, with the same Idempotency-Key where the request takes one (a ride requested again without one may be made twice). A 409 on a retried step of a ride may mean the first attempt went through: read the ride.",
    retry: "after-retry-after",
  },
};

/** One code's page, as data (the JSON of GET /problems/{code}). */
export interface ProblemPage extends ProblemText {
  code: ProblemCode;
  type: string;
  status: number;
  title: string;
  retryAdvice: string;
}

/**
 * A code's page.
 *
 * @example
 * problemPage("rate_limited").status; // 429
 */
export function problemPage(code: ProblemCode): ProblemPage {
  const text = CATALOG[code];
  return { code, type: problemType(code), status: PROBLEM_STATUS[code], title: PROBLEM_TITLE[code], ...text, retryAdvice: RETRY_ADVICE[text.retry] };
}

/** Every code's page, by status then code. */
export function problemPages(): ProblemPage[] {
  return PROBLEM_CODES.map(problemPage).sort((a, b) => a.status - b.status || a.code.localeCompare(b.code));
}
