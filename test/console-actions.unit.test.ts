/** The console offers exactly the operator actions the server takes on a ride (web/console/actions.ts), and stops at an expired token (token.ts). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { keyAfterRefund, REASON_MAX, refundLeft, rideActions } from "../web/console/actions";
import { devSignInAvailable, ProblemError } from "../web/console/api";
import { tokenExpired } from "../web/console/token";
import { CancelRequestSchema } from "../workers/gateway/schemas";
import type { Ride } from "../web/console/types";

const won = (amount: number) => ({ amount, currency: "KRW" });
const ride = (status: Ride["status"], payment: Ride["payment"], fare: number | null = 9900): Pick<Ride, "status" | "fare" | "payment"> => ({
  status,
  payment,
  fare: fare === null ? null : won(fare),
});

describe("the console's operator actions", () => {
  it("refund key: new after a refund sent or refused outright; the same after a lost answer or a 5xx, so a click again is the same refund", () => {
    const fresh = () => "k2";
    expect(keyAfterRefund(null, "k1", fresh)).toBe("k2");
    expect(keyAfterRefund(new ProblemError(409, { code: "invalid_transition" }), "k1", fresh), "the provider declined it: ask again").toBe("k2");
    expect(keyAfterRefund(new ProblemError(401, { code: "unauthorized" }), "k1", fresh)).toBe("k2");
    expect(keyAfterRefund(new ProblemError(503, { code: "unavailable" }), "k1", fresh), "maybe made").toBe("k1");
    expect(keyAfterRefund(new ProblemError(500, null), "k1", fresh)).toBe("k1");
    expect(keyAfterRefund(new TypeError("Failed to fetch"), "k1", fresh), "the answer lost").toBe("k1");
    expect(keyAfterRefund(null, "k1")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refund: offered while some of a captured fare is left, a partly refunded ride too; not once all went back", () => {
    expect(rideActions(ride("completed", { status: "captured" })).refund).toBe(true);
    const partly = ride("completed", { status: "refunded", refundedAmount: won(4000) });
    expect(rideActions(partly).refund).toBe(true);
    expect(refundLeft(partly)).toBe(5900);
    expect(rideActions(ride("completed", { status: "refunded", refundedAmount: won(9900) })).refund).toBe(false);
    expect(rideActions(ride("cancelled", { status: "voided" })).refund).toBe(false);
    expect(rideActions(ride("completed", { status: "failed" })).refund).toBe(false);
  });

  it("retry payment: only a capture the provider refused (the server answers 409 to any other)", () => {
    expect(rideActions(ride("payment_pending", { status: "failed" })).retry).toBe(true);
    expect(rideActions(ride("payment_pending", { status: "authorized" })).retry).toBe(false);
    expect(rideActions(ride("completed", { status: "failed" })).retry).toBe(false);
  });

  it("cancel: before the trip starts only", () => {
    expect(
      (["requested", "dispatching", "driver_assigned", "driver_arrived", "in_progress", "completed"] as const).filter(
        (s) => rideActions(ride(s, { status: "authorized" })).cancel,
      ),
    ).toEqual(["requested", "dispatching", "driver_assigned", "driver_arrived"]);
  });

  it("the reason field takes no more than a cancel accepts (the shorter of the two requests it goes into)", () => {
    const longest = "x".repeat(REASON_MAX);
    expect(CancelRequestSchema.safeParse({ reason: longest }).success).toBe(true);
    expect(CancelRequestSchema.safeParse({ reason: `${longest}x` }).success).toBe(false);
  });
});

describe("the console's token", () => {
  const jwt = (payload: unknown) => `h.${btoa(JSON.stringify(payload)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.s`;

  it("is expired from its exp on, so the socket stops reconnecting and the sign-in page comes back", () => {
    const now = Date.UTC(2026, 11, 5, 10);
    expect(tokenExpired(jwt({ sub: "ops", exp: now / 1000 - 1 }), now)).toBe(true);
    expect(tokenExpired(jwt({ sub: "ops", exp: now / 1000 }), now)).toBe(true);
    expect(tokenExpired(jwt({ sub: "ops", exp: now / 1000 + 60 }), now)).toBe(false);
  });

  it("one it cannot read is taken as live (the server decides)", () => {
    expect(tokenExpired("not-a-jwt", 0)).toBe(false);
    expect(tokenExpired("h.%%%.s", 0)).toBe(false);
    expect(tokenExpired(jwt({ sub: "ops" }), Date.now())).toBe(false);
  });
});

describe("the development sign-in button", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("shows only where the development token route refuses an empty body (400): not on a 404, a 405, the per-IP limit's 429 or a 5xx", async () => {
    const seen: [number, boolean][] = [];
    for (const status of [400, 404, 405, 429, 500, 503]) {
      vi.stubGlobal("fetch", async () => new Response("{}", { status }));
      seen.push([status, await devSignInAvailable()]);
    }
    expect(seen).toEqual([
      [400, true],
      [404, false],
      [405, false],
      [429, false],
      [500, false],
      [503, false],
    ]);
    vi.stubGlobal("fetch", async () => Promise.reject(new TypeError("Failed to fetch")));
    expect(await devSignInAvailable()).toBe(false);
  });
});
