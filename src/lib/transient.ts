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
 * - A call between our own objects that got no answer within its bound (`within`): the peer is
 *   busy or stuck, and is asked again later, as an overloaded one.
 * - Across RPC (a Durable Object's method, the payment worker's entrypoint) only an error's
 *   message crosses: not its `cause`, not the runtime's flags of a call the callee made. So the
 *   callee marks a transient error's message (`markTransient`, `[transient d1] …`), and the
 *   mark is read here like a flag.
 *
 * Not transient, though the runtime marks it overloaded: an object that ran out of memory or
 * CPU time. That is our code doing too much, a bug to see as an error.
 */

/** How long to wait before asking again, what kind of error it was, and whether an object's code let it through (`.remote`). */
export interface Transient {
  retryAfterSeconds: number;
  kind: "overloaded" | "retryable" | "d1" | "timeout";
  remote: boolean;
}

/** The messages of D1's errors worth retrying (D1's documentation, "Retry queries"). */
export const D1_TRANSIENT_MESSAGES = ["Network connection lost", "storage caused object to be reset", "reset because its code was updated"] as const;
const D1_OVERLOADED = "D1 DB is overloaded";
const OUR_OWN_LIMIT = /exceeded (its )?(memory|CPU time) limit/i;
/** Causes looked at below the error itself: drizzle's wrapper and one more level are enough. */
const CAUSE_DEPTH = 3;

/** The mark of a transient error's message, the one part of an error that crosses RPC. */
const MARK = /^\[transient (overloaded|retryable|d1|timeout)\]/;
/** The mark a transient error of `kind` carries in its message across RPC. */
export const transientMark = (kind: Transient["kind"]): string => `[transient ${kind}]`;

/** Retry-After of an overloaded dependency: 5 to 15 s, spread so that its callers do not all come back at once. */
export const overloadedRetryAfter = (random: () => number = Math.random) => 5 + Math.floor(random() * 11);

function ownTransient(error: object, random: () => number): Transient | null {
  const { overloaded, retryable, message, remote } = error as { overloaded?: unknown; retryable?: unknown; message?: unknown; remote?: unknown };
  const text = typeof message === "string" ? message : "";
  const fromObject = remote === true;
  const marked = MARK.exec(text)?.[1] as Transient["kind"] | undefined;
  if (marked)
    return { retryAfterSeconds: marked === "overloaded" || marked === "timeout" ? overloadedRetryAfter(random) : 1, kind: marked, remote: fromObject };
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
  return findTransient(error, random)?.transient ?? null;
}

const messageOf = (error: object): string => String((error as { message?: unknown }).message ?? "");

/** The transient kind of an error or its causes, with the message of the one that said so. */
function findTransient(error: unknown, random: () => number): { transient: Transient; message: string } | null {
  let current: unknown = error;
  for (let depth = 0; depth <= CAUSE_DEPTH && typeof current === "object" && current !== null; depth++) {
    // Our own limit, met before any flag down the chain, is our bug whatever flags it carries.
    if (OUR_OWN_LIMIT.test(messageOf(current))) return null;
    const found = ownTransient(current, random);
    if (found) return { transient: found, message: messageOf(current) };
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * An error fit to cross RPC: a transient one as a new error whose message carries its mark and
 * the message that made it transient (D1's, not drizzle's "Failed query" and its SQL), with the
 * error as its cause for this side's logs; every other error as it is.
 *
 * @example
 * try { return await ledger.balance(id); } catch (error) { throw markTransient(error); }
 */
export function markTransient(error: unknown): unknown {
  const found = findTransient(error, Math.random);
  if (!found || MARK.test(found.message)) return error;
  return new Error(`${transientMark(found.transient.kind)} ${found.message}`, { cause: error });
}

type Method = (...args: unknown[]) => unknown;

/**
 * Marks the transient errors of every method of an RPC entrypoint's class (`markTransient`), so
 * that its callers tell a dependency's hiccup from a bug. Its methods become async (an RPC call
 * is awaited anyway).
 *
 * @example
 * export class PaymentService extends WorkerEntrypoint<PaymentEnv> { … }
 * markTransientErrors(PaymentService);
 */
export function markTransientErrors(entrypoint: { prototype: object }): void {
  const proto = entrypoint.prototype as Record<string, Method>;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    const method = descriptor?.value as unknown;
    if (name === "constructor" || typeof method !== "function") continue;
    proto[name] = async function (this: unknown, ...args: unknown[]) {
      try {
        return await (method as Method).apply(this, args);
      } catch (error) {
        throw markTransient(error);
      }
    };
  }
}
