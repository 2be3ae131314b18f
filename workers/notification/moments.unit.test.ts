import { describe, expect, it } from "vitest";
import { IN_ORDER_WITHIN_MS, laterNews, MOMENT_MAX_AGE_MS, tooLate, toldLater } from "./moments";

const NOW = Date.parse("2026-12-05T10:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("notices of a moment", () => {
  it("an offer is news until it expires, not after", () => {
    expect(tooLate({ type: "DriverOffered", occurredAt: ago(10_000), data: { expiresAt: ago(-5_000) } }, NOW)).toBeNull();
    expect(tooLate({ type: "DriverOffered", occurredAt: ago(20_000), data: { expiresAt: ago(5_000) } }, NOW)).toMatch(/offer expired/);
  });

  it("an arrival, an assignment or a trip's start is news for MOMENT_MAX_AGE_MS", () => {
    for (const type of ["DriverArrived", "DriverAssigned", "TripStarted", "DriverUnassigned"]) {
      expect(tooLate({ type, occurredAt: ago(MOMENT_MAX_AGE_MS - 1) }, NOW), type).toBeNull();
      expect(tooLate({ type, occurredAt: ago(MOMENT_MAX_AGE_MS) }, NOW), type).toMatch(/no longer news/);
    }
  });

  it("a receipt, a cancellation, a refund or a payout stays true, whatever its age; an event with no time is sent", () => {
    for (const type of ["RideCompleted", "RideCancelled", "PaymentCaptured", "PaymentRefunded", "PayoutPaid", "DriverApproved"]) {
      expect(tooLate({ type, occurredAt: ago(7 * 24 * 3600_000) }, NOW), type).toBeNull();
    }
    expect(tooLate({ type: "DriverArrived" }, NOW)).toBeNull();
  });
});

describe("toldLater", () => {
  const event = { type: "DriverAssigned", version: 5, occurredAt: ago(60_000) };
  /** What was told, by type; `:channel` after the type when told on that channel (the any-channel figure is what a moment asks). */
  const told = (versions: Record<string, number | null>, feeTold = false) => ({
    told: (type: string, channel?: string): number | null | undefined => versions[channel ? `${type}:${channel}` : type],
    channel: "kakao",
    feeTold,
  });

  it("a later step told makes a moment old news, whatever version its row kept", () => {
    expect(toldLater(event, NOW, told({ RideCancelled: null }))).toBe("RideCancelled");
    expect(toldLater({ type: "TripStarted", version: 9, occurredAt: ago(60_000) }, NOW, told({ RideCompleted: 12 }))).toBe("RideCompleted");
  });

  it("a moment told again makes it old news only with a higher version; one with no version (an older row) does not", () => {
    expect(toldLater(event, NOW, told({ DriverUnassigned: 6 }))).toBe("DriverUnassigned of version 6");
    expect(toldLater(event, NOW, told({ DriverAssigned: 8 }))).toBe("DriverAssigned of version 8");
    expect(toldLater(event, NOW, told({ DriverAssigned: 5, DriverArrived: 4 }))).toBeNull();
    expect(toldLater(event, NOW, told({ DriverUnassigned: null }))).toBeNull();
    expect(toldLater({ type: "DriverArrived", version: 6, occurredAt: ago(60_000) }, NOW, told({ DriverUnassigned: 7 }))).toBe("DriverUnassigned of version 7");
    // Kim's arrival, retried after Lee arrived (Lee's assignment's notice never sent).
    expect(toldLater({ type: "DriverArrived", version: 6, occurredAt: ago(60_000) }, NOW, told({ DriverArrived: 10 }))).toBe("DriverArrived of version 10");
    // "Finding another car", retried after the next driver arrived (their assignment's notice never sent).
    expect(toldLater({ type: "DriverUnassigned", version: 6, occurredAt: ago(60_000) }, NOW, told({ DriverArrived: 9 }))).toBe("DriverArrived of version 9");
  });

  it("a young moment is taken to be in order, and a receipt is never old news", () => {
    expect(toldLater({ ...event, occurredAt: ago(IN_ORDER_WITHIN_MS - 1) }, NOW, told({ DriverAssigned: 8 }))).toBeNull();
    expect(toldLater({ type: "RideCompleted", version: 5, occurredAt: ago(60_000) }, NOW, told({ PaymentFailed: 8, RideCancelled: 9 }))).toBeNull();
  });

  it("a cancellation telling a no-show fee gives way to the fee's drop sent after it on its own channel, however young", () => {
    const cancelled = { type: "RideCancelled", version: 5, occurredAt: ago(3_000) };
    expect(toldLater(cancelled, NOW, told({ "PaymentFailed:kakao": 6 }, true))).toBe("PaymentFailed of version 6");
    expect(laterNews(cancelled, NOW, true)).toEqual(["PaymentFailed"]);
    // Sent on another channel only: this channel's rider has not heard of the cancellation.
    expect(toldLater(cancelled, NOW, told({ PaymentFailed: 6, "PaymentFailed:webhook": 6 }, true))).toBeNull();
    expect(toldLater(cancelled, NOW, told({ "PaymentFailed:kakao": 4 }, true))).toBeNull();
    expect(toldLater(cancelled, NOW, told({ "PaymentFailed:kakao": null }, true))).toBeNull();
    // One that told no fee (another reason, the driver's copy) asks nothing.
    expect(laterNews(cancelled, NOW, false)).toEqual([]);
    expect(toldLater(cancelled, NOW, told({ "PaymentFailed:kakao": 6 }, false))).toBeNull();
  });

  it("against what a run sent itself (anyAge), a moment of any age asks; an event type that is no step of a ride (`toString`) never does", () => {
    const young = { type: "DriverAssigned", version: 5, occurredAt: ago(1_000) };
    expect(laterNews(young, NOW)).toEqual([]);
    expect(toldLater(young, NOW, told({ DriverAssigned: 8 }))).toBeNull();
    expect(toldLater(young, NOW, { ...told({ DriverAssigned: 8 }), anyAge: true })).toBe("DriverAssigned of version 8");
    for (const type of ["toString", "constructor", "__proto__", "RideCompleted"]) {
      const odd = { type, version: 1, occurredAt: ago(60_000) };
      expect([laterNews(odd, NOW), toldLater(odd, NOW, { ...told({ toString: 2 }), anyAge: true })], type).toEqual([[], null]);
    }
  });
});
