/**
 * Errors of the platform that mean "try again shortly", told apart from our own bugs: the
 * gateway answers them 503 `unavailable` with Retry-After instead of 500 `internal`. A client
 * that retries (with its Idempotency-Key where it has one) does the right thing, and the
 * engineer on call reads a dependency's hiccup as such, not as a bug to chase.
 *
 * - Durable Objects mark an error `.retryable` (a restart, a lost connection: the runtime has
 *   already retried what it could) or `.overloaded` (one object sent more than it can serve;
 *   Cloudflare's "error handling" page). The runtime keeps the flags of an error our object
 *   let through from a call of its own, so a flag may also come with `.remote`. An overloaded
 *   object is asked again later, not at once, and not all at the same second: retrying at
 *   once adds to its load.
 * - D1 names the errors worth retrying by their message (its "retry queries" guide): a lost
 *   connection, its object reset by storage or by a code update; and it says when it is
 *   overloaded.
 * - drizzle wraps every failed query in an error of its own ("Failed query: …") with D1's
 *   error as its `cause`, so the causes are looked at too.
 *
 * Not transient, though the runtime marks it overloaded: an object that ran out of memory or
 * CPU time. That is our code doing too much, a bug to see as an error.
 */

/** How long to wait before asking again, what kind of error it was, and whether an object's code let it through (`.remote`). */
export interface Transient {
  retryAfterSeconds: number;
  kind: "overloaded" | "retryable" | "d1";
  remote: boolean;
}

/** The messages of D1's errors worth retrying (D1's documentation, "Retry queries"). */
export const D1_TRANSIENT_MESSAGES = ["Network connection lost", "storage caused object to be reset", "reset because its code was updated"] as const;
const D1_OVERLOADED = "D1 DB is overloaded";
const OUR_OWN_LIMIT = /exceeded (its )?(memory|CPU time) limit/i;
/** Causes looked at below the error itself: drizzle's wrapper and one more level are enough. */
const CAUSE_DEPTH = 3;

/** Retry-After of an overloaded dependency: 5 to 15 s, spread so that its callers do not all come back at once. */
export const overloadedRetryAfter = (random: () => number = Math.random) => 5 + Math.floor(random() * 11);

function ownTransient(error: object, random: () => number): Transient | null {
  const { overloaded, retryable, message, remote } = error as { overloaded?: unknown; retryable?: unknown; message?: unknown; remote?: unknown };
  const text = typeof message === "string" ? message : "";
  const fromObject = remote === true;
  if (overloaded === true || text.includes(D1_OVERLOADED)) return { retryAfterSeconds: overloadedRetryAfter(random), kind: "overloaded", remote: fromObject };
  if (retryable === true) return { retryAfterSeconds: 1, kind: "retryable", remote: fromObject };
  if (D1_TRANSIENT_MESSAGES.some((m) => text.includes(m))) return { retryAfterSeconds: 1, kind: "d1", remote: fromObject };
  return null;
}

/**
 * The transient kind of an error (or of its causes), or null for every other error.
 *
 * @example
 * const transient = transientOf(error);
 * if (transient) return problemResponse(new AppError("unavailable", "…", { retryAfterSeconds: transient.retryAfterSeconds }), requestId);
 */
export function transientOf(error: unknown, random: () => number = Math.random): Transient | null {
  let current: unknown = error;
  for (let depth = 0; depth <= CAUSE_DEPTH && typeof current === "object" && current !== null; depth++) {
    // Our own limit, met before any flag down the chain, is our bug whatever flags it carries.
    if (OUR_OWN_LIMIT.test(String((current as { message?: unknown }).message ?? ""))) return null;
    const found = ownTransient(current, random);
    if (found) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
