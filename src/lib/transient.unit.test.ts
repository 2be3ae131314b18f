import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { within } from "./timeout";
import { markTransient, markTransientErrors, overloadedRetryAfter, transientMark, transientOf } from "./transient";

/** An error as the runtime raises it: an Error with the platform's properties set on it. */
const platformError = (message: string, props: Record<string, unknown> = {}) => Object.assign(new Error(message), props);
const fixed = () => 0;

describe("which errors mean try again", () => {
  it("our own errors, SQL errors, non-errors and a retryable flag that is not true stay ours (a 500)", () => {
    expect(transientOf(new Error("something broke"))).toBeNull();
    expect(transientOf(new Error("D1_ERROR: no such table: rides: SQLITE_ERROR"))).toBeNull();
    expect(transientOf(new Error("D1_ERROR: UNIQUE constraint failed: rides.id"))).toBeNull();
    expect(transientOf(platformError("thrown by our object", { remote: true, retryable: false }))).toBeNull();
    expect(transientOf(platformError("odd", { retryable: "yes" }))).toBeNull();
    for (const value of [null, undefined, "Network connection lost", 42]) expect(transientOf(value)).toBeNull();
  });

  it("an object out of memory or CPU time is our bug, though the runtime marks it overloaded", () => {
    const memory = "Durable Object's isolate exceeded its memory limit due to overflowing the storage cache.";
    expect(transientOf(platformError(memory, { overloaded: true, remote: true }))).toBeNull();
    expect(transientOf(platformError("Worker exceeded CPU time limit.", { overloaded: true }))).toBeNull();
    expect(transientOf(new DrizzleQueryError("select 1", [], platformError(memory, { overloaded: true })))).toBeNull();
  });

  it("an overloaded Durable Object, or D1, is asked again in 5 to 15 s, spread, even when also marked retryable", () => {
    expect(transientOf(platformError("Durable Object is overloaded. Too many requests queued.", { overloaded: true, retryable: true }), fixed)).toEqual({
      retryAfterSeconds: 5,
      kind: "overloaded",
      remote: false,
    });
    expect(transientOf(new Error("D1_ERROR: D1 DB is overloaded. Too many requests queued."), () => 0.999)).toMatchObject({
      retryAfterSeconds: 15,
      kind: "overloaded",
    });
    const spread = new Set(Array.from({ length: 200 }, () => overloadedRetryAfter()));
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...spread)).toBeLessThanOrEqual(15);
    expect(spread.size).toBeGreaterThan(3);
  });

  it("a Durable Object's retryable error, and D1's documented transient errors, are asked again in a second; a flag our object let through says so", () => {
    expect(transientOf(platformError("Durable Object reset because its code was updated.", { retryable: true }))).toEqual({
      retryAfterSeconds: 1,
      kind: "retryable",
      remote: false,
    });
    expect(transientOf(platformError("Network connection lost.", { retryable: true, remote: true }))).toMatchObject({ kind: "retryable", remote: true });
    for (const message of [
      "D1_ERROR: Network connection lost.",
      "D1_ERROR: Internal error while starting up D1 DB storage caused object to be reset.",
      "D1_ERROR: D1 DB reset because its code was updated.",
    ]) {
      expect(transientOf(new Error(message)), message).toEqual({ retryAfterSeconds: 1, kind: "d1", remote: false });
    }
  });

  it("D1's error inside drizzle's wrapper (its cause) is found; a SQL error inside it is not", () => {
    const wrapped = new DrizzleQueryError("select * from rides", [], platformError("D1_ERROR: Network connection lost.", { retryable: true }));
    expect(wrapped.message).toContain("Failed query");
    expect(transientOf(wrapped)).toMatchObject({ retryAfterSeconds: 1, kind: "retryable" });
    expect(transientOf(new DrizzleQueryError("select x", [], new Error("D1_ERROR: no such column: x")))).toBeNull();
  });
});

/** What reaches a caller across RPC: an error of the same name and message, nothing else (Cloudflare's RPC "error handling"). */
function acrossRpc(error: unknown): Error {
  const crossed = new Error((error as Error).message);
  crossed.name = (error as Error).name;
  return crossed;
}

describe("transient errors across RPC", () => {
  const lostConnection = () =>
    new DrizzleQueryError("select owed from driver_earnings where driver_id = ?", ["d1"], new Error("D1_ERROR: Network connection lost."));

  it("drizzle's wrapper loses D1's error on the way (why the callee marks it)", () => {
    expect(transientOf(acrossRpc(lostConnection()))).toBeNull();
  });

  it("a marked error is still transient on the other side, of its kind, with D1's message and not the SQL", () => {
    const marked = markTransient(lostConnection()) as Error;
    expect(marked.message).toBe(`${transientMark("d1")} D1_ERROR: Network connection lost.`);
    expect(marked.cause).toBeInstanceOf(DrizzleQueryError);
    expect(transientOf(acrossRpc(marked))).toEqual({ retryAfterSeconds: 1, kind: "d1", remote: false });
    const overloaded = markTransient(platformError("Durable Object is overloaded.", { overloaded: true }));
    expect(transientOf(acrossRpc(overloaded), fixed)).toEqual({ retryAfterSeconds: 5, kind: "overloaded", remote: false });
    expect(transientOf(acrossRpc(markTransient(platformError("reset", { retryable: true }))))).toMatchObject({ kind: "retryable", retryAfterSeconds: 1 });
  });

  it("other errors cross as they are, and a marked one is not marked twice", () => {
    const ours = new Error("D1_ERROR: no such table: payouts");
    expect(markTransient(ours)).toBe(ours);
    const memory = platformError("Worker exceeded CPU time limit.", { overloaded: true });
    expect(markTransient(memory)).toBe(memory);
    const once = markTransient(lostConnection());
    expect(markTransient(once)).toBe(once);
    expect(markTransient("a string")).toBe("a string");
  });

  it("the mark counts only where it leads the message: text from outside that quotes it is not a flag", () => {
    expect(transientOf(new Error("kakao: resultMessage=[transient d1] please retry"))).toBeNull();
    expect(transientOf(new Error("[transient d1] D1_ERROR: Network connection lost."))).toMatchObject({ kind: "d1" });
  });

  it("an entrypoint's methods throw marked errors, answer as before, and keep their `this`", async () => {
    class Entrypoint {
      readonly owed = 9000;
      async balance(driverId: string) {
        return { driverId, owed: this.owed };
      }
      async failing(): Promise<never> {
        throw lostConnection();
      }
      async broken(): Promise<never> {
        throw new TypeError("x is undefined");
      }
      get label() {
        return "not a method";
      }
    }
    markTransientErrors(Entrypoint);
    const service = new Entrypoint();
    expect(await service.balance("d1")).toEqual({ driverId: "d1", owed: 9000 });
    expect(service.label).toBe("not a method");
    const failed = await service.failing().catch((e: unknown) => e);
    expect(transientOf(acrossRpc(failed))).toMatchObject({ kind: "d1" });
    await expect(service.broken()).rejects.toThrow(TypeError);
  });

  it("a call between our objects with no answer in its bound is transient across RPC, asked again later", async () => {
    const timedOut = await within(5, new Promise(() => undefined), "release driver").catch((e: unknown) => e);
    expect(transientOf(acrossRpc(timedOut), fixed)).toEqual({ retryAfterSeconds: 5, kind: "timeout", remote: false });
  });
});
