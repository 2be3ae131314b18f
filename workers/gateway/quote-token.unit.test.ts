import { describe, expect, it } from "vitest";
import { signQuote, verifyQuote, type QuotePayload } from "./quote-token";
import { RideRequestSchema } from "./schemas";

const payload: QuotePayload = {
  riderId: "r1",
  product: "standard",
  pickup: { lat: 37.5, lng: 127 },
  dropoff: { lat: 37.6, lng: 127.1 },
  fare: { amount: 9800, currency: "KRW" },
  distanceMeters: 4000,
  durationSeconds: 600,
  expiresAt: "2026-11-21T10:05:00Z",
};

describe("signed quotes", () => {
  it("round-trips a quote signed with the secret", async () => {
    const id = await signQuote("s".repeat(32), payload);
    expect(await verifyQuote("s".repeat(32), id, Date.parse("2026-11-21T10:00:00Z"))).toEqual(payload);
  });

  it("refuses a forged, tampered, foreign or expired quote", async () => {
    const id = await signQuote("s".repeat(32), payload);
    const before = Date.parse("2026-11-21T10:00:00Z");
    expect(await verifyQuote("t".repeat(32), id, before)).toBeNull();
    const [body, mac] = id.slice(3).split(".");
    const tampered = `qt_${btoa(JSON.stringify({ ...payload, fare: { amount: 1, currency: "KRW" } })).replace(/=+$/, "")}.${mac}`;
    expect(await verifyQuote("s".repeat(32), tampered, before)).toBeNull();
    expect(await verifyQuote("s".repeat(32), `qt_${body}.nothex`, before)).toBeNull();
    // A MAC right but for its last digit: compared to the end (in a time that does not say where it differs).
    const last = mac!.at(-1) === "0" ? "1" : "0";
    expect(await verifyQuote("s".repeat(32), `qt_${body}.${mac!.slice(0, -1)}${last}`, before)).toBeNull();
    expect(await verifyQuote("s".repeat(32), id, Date.parse("2026-11-21T10:05:01Z"))).toBeNull();
  });

  it("keeps the coordinates, not the addresses: a quote for two 200-character Hangul addresses is still a quoteId a ride request takes", async () => {
    const address = "서울특별시 영등포구 여의대로 ".repeat(20).slice(0, 200);
    const pickup = { lat: 37.5, lng: 127, address };
    const dropoff = { lat: 37.6, lng: 127.1, address };
    const id = await signQuote("s".repeat(32), { ...payload, pickup, dropoff });
    expect(await verifyQuote("s".repeat(32), id, Date.parse("2026-11-21T10:00:00Z"))).toEqual(payload);
    const request = RideRequestSchema.safeParse({ pickup, dropoff, product: "standard", paymentMethod: "pm_card_visa", quoteId: id });
    expect(request.success, JSON.stringify(request.error?.issues)).toBe(true);
  });
});
