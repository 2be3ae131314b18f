/**
 * What made a change: a request's id (the correlation id of all it causes, too), the id of
 * something no request made (`{ notARequest }`: a payment result, a driver's silence, a key
 * issued), or nothing (a timer, a dispatch round).
 */
export type Cause = string | null | { notARequest: string; correlationId?: string };

/**
 * The causation and correlation ids of a change made by `cause` (correlation null: the
 * aggregate's own, its creating request's).
 *
 * @example
 * causeIds("req-7"); // { causationId: "req-7", correlationId: "req-7" }
 * causeIds({ notARequest: "rd_1:capture" }); // { causationId: "rd_1:capture", correlationId: null }
 * causeIds({ notARequest: "rd_1:capture", correlationId: "req-9" }); // { causationId: "rd_1:capture", correlationId: "req-9" }
 */
export function causeIds(cause: Cause): { causationId: string | null; correlationId: string | null } {
  if (typeof cause === "object" && cause !== null) return { causationId: cause.notARequest, correlationId: cause.correlationId ?? null };
  return { causationId: cause, correlationId: cause };
}

/**
 * The correlation id of the command an object is running, for the calls that command makes to
 * other objects: an object's `perform` is called by the base with the effect alone, so the id
 * of the request behind it is kept here while the command runs (one at a time: the object's
 * queue). Effects run once the command has left the queue carry their own id instead: by then
 * the next command may be running under its own.
 *
 * @example
 * const causing = new Causing();
 * await causing.under("req-7", async () => call(causing.now)); // call("req-7")
 * causing.now; // null again
 */
export class Causing {
  private current: string | null = null;

  /** The id of the command running now; null outside one, or for a command no request made (a timer). */
  get now(): string | null {
    return this.current;
  }

  /** Runs `work` under `correlationId` (an empty one is none), then restores the id it found. */
  async under<T>(correlationId: string | null | undefined, work: () => Promise<T>): Promise<T> {
    const was = this.current;
    this.current = correlationId || null;
    try {
      return await work();
    } finally {
      this.current = was;
    }
  }
}
