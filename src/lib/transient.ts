/**
 * Errors of the platform that mean "try again shortly", told apart from our own bugs: the
 * gateway answers them 503 `unavailable` with Retry-After instead of 500 `internal`. A client
 * that retries (with its Idempotency-Key where it has one) does the right thing, and the
 * engineer on call reads a dependency's hiccup as such, not as a bug to chase.
 *
 * - A Durable Object's infrastructure sets `.retryable` on errors it raised (an object
 *   restarting or moving, a connection lost) and `.overloaded` when one object gets more than
 *   it can serve (Cloudflare's Durable Objects error handling). An overloaded object is asked
 *   again later, not at once: retrying at once adds to its load.
 * - D1 lists the errors worth retrying by their message (its "retry queries" guide): a lost
 *   connection, and its object reset by storage or by a code update.
 *
 * Anything else (an error our own code threw, a SQL error) stays a 500.
 */

/** How long to wait before asking again, and what kind of error it was (for the log line). */
export interface Transient {
  retryAfterSeconds: number;
  kind: "overloaded" | "retryable" | "d1";
}

/** The messages of D1's errors worth retrying (D1's documentation, "Retry queries"). */
export const D1_TRANSIENT_MESSAGES = ["Network connection lost", "storage caused object to be reset", "reset because its code was updated"] as const;

/**
 * The transient kind of an error, or null for every other error.
 *
 * @example
 * const transient = transientOf(error);
 * if (transient) return problemResponse(new AppError("unavailable", "…", { retryAfterSeconds: transient.retryAfterSeconds }), requestId);
 */
export function transientOf(error: unknown): Transient | null {
  if (typeof error !== "object" || error === null) return null;
  const { overloaded, retryable, message } = error as { overloaded?: unknown; retryable?: unknown; message?: unknown };
  if (overloaded === true) return { retryAfterSeconds: 5, kind: "overloaded" };
  if (retryable === true) return { retryAfterSeconds: 1, kind: "retryable" };
  if (typeof message === "string" && D1_TRANSIENT_MESSAGES.some((m) => message.includes(m))) return { retryAfterSeconds: 1, kind: "d1" };
  return null;
}
