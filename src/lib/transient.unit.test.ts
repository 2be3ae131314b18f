import { describe, expect, it } from "vitest";
import { transientOf } from "./transient";

/** An error as the runtime raises it: an Error with the platform's properties set on it. */
const platformError = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe("which errors mean try again", () => {
  it("our own errors, SQL errors, non-errors and a retryable flag that is not true stay ours (a 500)", () => {
    expect(transientOf(new Error("something broke"))).toBeNull();
    expect(transientOf(new Error("D1_ERROR: no such table: rides: SQLITE_ERROR"))).toBeNull();
    expect(transientOf(new Error("D1_ERROR: UNIQUE constraint failed: rides.id"))).toBeNull();
    expect(transientOf(platformError("thrown by our object", { remote: true, retryable: false }))).toBeNull();
    expect(transientOf(platformError("odd", { retryable: "yes" }))).toBeNull();
    for (const value of [null, undefined, "Network connection lost", 42]) expect(transientOf(value)).toBeNull();
  });

  it("an overloaded Durable Object is asked again later, not at once, even when also marked retryable", () => {
    expect(transientOf(platformError("Durable Object is overloaded. Too many requests queued.", { overloaded: true, retryable: true }))).toEqual({
      retryAfterSeconds: 5,
      kind: "overloaded",
    });
  });

  it("a Durable Object's retryable infrastructure error, and D1's documented transient errors, are asked again in a second", () => {
    expect(transientOf(platformError("Durable Object reset because its code was updated.", { retryable: true }))).toEqual({
      retryAfterSeconds: 1,
      kind: "retryable",
    });
    for (const message of [
      "D1_ERROR: Network connection lost.",
      "D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.",
      "D1_ERROR: D1 DB reset because its code was updated.",
    ]) {
      expect(transientOf(new Error(message)), message).toEqual({ retryAfterSeconds: 1, kind: "d1" });
    }
  });
});
