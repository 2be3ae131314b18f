import { transientMark } from "./transient";

/**
 * Bounds a call to another Durable Object. A Durable Object runs its commands one at a
 * time, so one call that never answers would hold every later command of that ride;
 * with a bound, the command fails (and is retried) instead.
 *
 * @example
 * const driver = await within(5000, stub.release(rideId, correlationId), "release driver");
 */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  // Marked transient: should it reach a client (through the objects that called on), it is a 503 to retry, not a 500.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${transientMark("timeout")} ${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

/** The bound for calls between this system's own Durable Objects. */
export const PEER_CALL_MS = 10_000;
