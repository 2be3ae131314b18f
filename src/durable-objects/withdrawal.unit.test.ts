/** A driver's withdrawal from a ride (an offer let go, a rejected driver taken off) sent again when it fails. */
import { describe, expect, it, vi } from "vitest";
import { PEER_CALL_MS } from "../lib/timeout";
import { tellRide, WITHDRAW_ATTEMPTS, WITHDRAW_RETRY_MS } from "./driver-effects";

describe("tellRide: a withdrawal", () => {
  const never = () => new Promise<never>(() => undefined);
  const namespace = (object: object) => ({ idFromName: (name: string) => name, get: () => object });

  it("a withdrawal that fails (a ride busy past PEER_CALL_MS, an object reset) is sent again, up to WITHDRAW_ATTEMPTS times", async () => {
    vi.useFakeTimers();
    try {
      const withdrawal = { type: "withdrawOffer", rideId: "rd_1", driverId: "d1", reason: "driver_rejected", correlationId: "req-1" } as const;
      let calls = 0;
      const answers = [never, () => Promise.reject(new Error("Durable Object reset")), async () => ({ ok: true, value: null })];
      const env = { RIDE: namespace({ withdrawOffer: () => answers[calls++]!() }) } as unknown as Parameters<typeof tellRide>[0];
      const told = tellRide(env, withdrawal);
      await vi.advanceTimersByTimeAsync(PEER_CALL_MS + WITHDRAW_RETRY_MS * 3);
      expect(await told).toEqual({ ok: true, value: null });
      expect(calls).toBe(3);
      let failing = 0;
      const down = { RIDE: namespace({ withdrawOffer: () => (failing++, Promise.reject(new Error("Durable Object reset"))) }) } as unknown as Parameters<
        typeof tellRide
      >[0];
      const given = tellRide(down, withdrawal).catch((e: unknown) => String(e));
      await vi.advanceTimersByTimeAsync(WITHDRAW_RETRY_MS * 3);
      expect(await given).toMatch(/reset/);
      expect(failing).toBe(WITHDRAW_ATTEMPTS);
    } finally {
      vi.useRealTimers();
    }
  });
});
