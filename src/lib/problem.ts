/**
 * The one error type of the system. Thrown anywhere in the gateway, mapped to an
 * RFC 9457 problem+json response in `app.onError`; returned (not thrown) across
 * Durable Object RPC, where only plain data survives the trip.
 */

/** Every code the API answers with; each has its page at /problems/{code}. */
export const PROBLEM_CODES = [
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "invalid_transition",
  "offer_not_available",
  "driver_not_approved",
  "trip_too_long",
  "payload_too_large",
  "no_drivers_nearby",
  "rate_limited",
  "idempotency_conflict",
  "payment_required",
  "handover_code_mismatch",
  "vehicle_unavailable",
  "unavailable",
  "internal",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The HTTP status of each code (literal types: the OpenAPI helper keys responses by them). */
export const PROBLEM_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  driver_not_approved: 403,
  not_found: 404,
  invalid_transition: 409,
  offer_not_available: 409,
  idempotency_conflict: 409,
  handover_code_mismatch: 409,
  vehicle_unavailable: 409,
  payload_too_large: 413,
  trip_too_long: 422,
  rate_limited: 429,
  internal: 500,
  no_drivers_nearby: 503,
  unavailable: 503,
} as const satisfies Record<ProblemCode, number>;

/**
 * Whether an answer is the server's fault, worth an error line and an alert: a 5xx, except
 * `no_drivers_nearby`, which is the product turning riders away from an area with no free
 * driver (R4: a 503 with Retry-After by contract, many a minute on a busy evening).
 *
 * @example
 * isFault(new AppError("internal", "…")); // true
 * isFault(new AppError("no_drivers_nearby", "…")); // false
 */
export const isFault = (error: { status: number; code: ProblemCode }): boolean => error.status >= 500 && error.code !== "no_drivers_nearby";

export const isProblemCode = (value: string): value is ProblemCode => (PROBLEM_CODES as readonly string[]).includes(value);

/**
 * The problem's `type`: the page this API serves about the code. An absolute-path
 * reference rather than an absolute URL (RFC 9457 §3.1.1 allows it and recommends the
 * full path when relative): the identifier is the same string in every environment, it
 * needs no request to build (problems also cross RPC from objects that know no host),
 * and a client resolves it against the URL it called, which is the API that serves it.
 *
 * @example
 * problemType("rate_limited"); // "/problems/rate_limited"
 */
export const problemType = (code: ProblemCode): string => `/problems/${code}`;

/** The short, human title of each code (the problem's `title`). */
export const PROBLEM_TITLE: Record<ProblemCode, string> = {
  invalid_request: "The request is not valid",
  unauthorized: "Authentication required",
  forbidden: "Not allowed",
  payment_required: "Unpaid dues",
  driver_not_approved: "The driver is not approved yet",
  not_found: "Not found",
  invalid_transition: "Not possible in the ride's current state",
  offer_not_available: "The offer is not available",
  idempotency_conflict: "Idempotency key reused with a different request",
  handover_code_mismatch: "The parcel's handover code does not match",
  vehicle_unavailable: "The vehicle is not available",
  trip_too_long: "The trip is too long to serve",
  payload_too_large: "The request body is too large",
  rate_limited: "Too many requests",
  internal: "Internal error",
  no_drivers_nearby: "No drivers nearby",
  unavailable: "Temporarily unavailable",
};

/** A problem as plain data: what crosses RPC boundaries. */
export interface Problem {
  code: ProblemCode;
  detail: string;
  retryAfterSeconds?: number;
  errors?: { path: string; message: string }[];
  /** With `payment_required`: what the caller still owes. */
  dues?: { amount: number; currency: "KRW" };
}

/**
 * An error that knows its HTTP answer.
 *
 * @example
 * throw new AppError("trip_too_long", "325 km is over the 200 km limit");
 */
export class AppError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly errors?: { path: string; message: string }[];
  readonly dues?: Problem["dues"];

  constructor(code: ProblemCode, detail: string, extra: Omit<Problem, "code" | "detail"> = {}) {
    super(detail);
    this.name = "AppError";
    this.code = code;
    this.status = PROBLEM_STATUS[code];
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.errors = extra.errors;
    this.dues = extra.dues;
  }

  static from(problem: Problem): AppError {
    return new AppError(problem.code, problem.detail, problem);
  }

  /** The problem+json body. */
  toJSON(): Record<string, unknown> {
    return {
      type: problemType(this.code),
      title: PROBLEM_TITLE[this.code],
      status: this.status,
      code: this.code,
      detail: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.dues ? { dues: this.dues } : {}),
    };
  }
}

/** Result of a command across RPC: the value, or a problem to throw on the other side. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Problem };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (code: ProblemCode, detail: string, extra: Omit<Problem, "code" | "detail"> = {}): Outcome<never> => ({
  ok: false,
  problem: { code, detail, ...extra },
});

/** Unwraps an RPC outcome, throwing its problem as an AppError. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw AppError.from(outcome.problem);
}
