import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import type { Ride } from "../../src/domain/types";
import { ACCOUNT_TEMPLATES } from "./account-templates";
import { PARCEL_TEMPLATE_CODES, PARCEL_TEMPLATES, recipientsOf, render, TEMPLATE_CODES, TEMPLATES, templateCode, type Audience } from "./templates";
import { noticesOf } from "./notices";
import type { Driver } from "../../src/domain/events";

const ride: Ride = {
  id: "rd_1",
  status: "driver_assigned",
  version: 5,
  riderId: "r1",
  product: "standard",
  pickup: { lat: 37.52, lng: 126.92, address: "Yeouido" },
  dropoff: { lat: 37.49, lng: 126.95, address: "Sangdo-dong" },
  quote: { amount: 9800, currency: "KRW" },
  driver: { id: "d1", name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" }, location: null },
  etaSeconds: 240,
  fare: { amount: 12300, currency: "KRW" },
  payment: { status: "captured" },
  cancellation: { by: "system", reason: "no_driver_available" },
  distanceMeters: 4000,
  durationSeconds: 600,
  locale: "ko",
  createdAt: "",
  updatedAt: "",
};
const krw = (amount: number) => ({ amount, currency: "KRW" as const });
const event = (type: string, data: Record<string, unknown> = {}): DomainEvent => ({
  id: "ev1",
  type,
  rideId: "rd_1",
  version: 5,
  occurredAt: "2026-11-21T10:00:00.000Z",
  correlationId: "c",
  causationId: null,
  data,
});
const ctx = { receiptUrl: (id: string) => `https://rides.example.com/receipts/${id}` };
const text = (audience: Audience, type: string, locale: "ko" | "en", r: Ride = ride, data: Record<string, unknown> = {}) =>
  render(r, event(type, data), audience, locale, ctx)!;
const hangul = /[가-힣]/;
/** English text is ASCII apart from the ride's own data (a Korean plate). */
const english = (s: string) => expect(s.replace(ride.driver!.vehicle.plate, "")).toMatch(/^[\x20-\x7e]+$/);

describe("rider templates", () => {
  it("DriverAssigned: driver, vehicle, plate and ETA", () => {
    for (const locale of ["ko", "en"] as const) {
      const t = text("rider", "DriverAssigned", locale);
      for (const detail of ["Kim", "Sonata", "30우8281", "4"]) expect(t).toContain(detail);
    }
    expect(text("rider", "DriverAssigned", "ko")).toMatch(hangul);
    english(text("rider", "DriverAssigned", "en"));
    expect(text("rider", "DriverAssigned", "en")).toContain("4 min");
  });

  it("DriverUnassigned: a new driver is being found", () => {
    expect(text("rider", "DriverUnassigned", "ko")).toContain("다른 차량");
    expect(text("rider", "DriverUnassigned", "en")).toContain("another car");
  });

  it("DriverArrived: the pickup and the plate", () => {
    expect(text("rider", "DriverArrived", "ko")).toContain("Yeouido");
    expect(text("rider", "DriverArrived", "ko")).toContain("30우8281");
    expect(text("rider", "DriverArrived", "en")).toContain("arrived at Yeouido");
  });

  it("TripStarted: the destination", () => {
    expect(text("rider", "TripStarted", "ko")).toContain("Sangdo-dong");
    expect(text("rider", "TripStarted", "en")).toContain("Destination: Sangdo-dong");
  });

  it("RideCompleted: the fare and the receipt link", () => {
    expect(text("rider", "RideCompleted", "ko")).toContain("12,300원");
    expect(text("rider", "RideCompleted", "en")).toContain("KRW 12,300");
    for (const locale of ["ko", "en"] as const) expect(text("rider", "RideCompleted", locale)).toContain("https://rides.example.com/receipts/rd_1");
  });

  it("RideCancelled: the reason, and for no_driver_available a hint to try again later", () => {
    expect(text("rider", "RideCancelled", "ko")).toContain("잠시 후 다시 호출");
    expect(text("rider", "RideCancelled", "en")).toContain("try again in a little while");
    const declined = { ...ride, cancellation: { by: "system" as const, reason: "payment_declined" } };
    expect(text("rider", "RideCancelled", "en", declined)).toContain("declined");
    const byRider = { ...ride, cancellation: { by: "rider" as const, reason: "changed_my_mind" } };
    expect(text("rider", "RideCancelled", "en", byRider)).toContain("changed my mind");
    // A no-show: the fee the rider is charged, told with it (none: nothing said of a fee).
    const noShow = { ...ride, cancellation: { by: "driver" as const, reason: "rider_no_show" }, fare: { amount: 3000, currency: "KRW" as const } };
    expect(text("rider", "RideCancelled", "ko", noShow)).toContain("노쇼 수수료 3,000원");
    expect(text("rider", "RideCancelled", "en", noShow)).toContain("A no-show fee of KRW 3,000 will be charged.");
    expect(text("rider", "RideCancelled", "en", { ...noShow, fare: null })).not.toContain("fee");
    // No reason given: words in the rider's language, not the code (before: "사유: rider cancelled").
    for (const by of ["rider", "ops"] as const) {
      const plain = { ...ride, cancellation: { by, reason: `${by}_cancelled` } };
      expect(text("rider", "RideCancelled", "ko", plain)).not.toMatch(/[a-z]_?cancelled|cancelled/);
      expect(text("rider", "RideCancelled", "en", plain)).not.toContain("_");
    }
  });
});

describe("driver templates", () => {
  it("DriverOffered: the route, the quote and the time to answer", () => {
    const offered = { driverId: "d1", expiresAt: "2026-11-21T10:00:15.000Z" };
    expect(text("driver", "DriverOffered", "ko", ride, offered)).toContain("Yeouido → Sangdo-dong");
    expect(text("driver", "DriverOffered", "ko", ride, offered)).toContain("9,800원");
    expect(text("driver", "DriverOffered", "ko", ride, offered)).toContain("15초");
    expect(text("driver", "DriverOffered", "en", ride, offered)).toContain("Accept within 15 s");
    // Sent again 12 s after the offer (a retry): what is left of it, not the whole window.
    const later = { ...ctx, now: Date.parse("2026-11-21T10:00:12.000Z") };
    expect(render(ride, event("DriverOffered", offered), "driver", "en", later)).toContain("Accept within 3 s");
    expect(render({ ...ride, product: "parcel_small" }, event("DriverOffered", offered), "driver", "ko", later)).toContain("3초");
  });

  it("RideCancelled: who cancelled, or why the system did, in the driver's words; its own AlimTalk template unless the rider did", () => {
    const by = (cancellation: Ride["cancellation"]) => ({ ...ride, cancellation });
    const rider = by({ by: "rider", reason: "changed my mind" });
    expect(text("driver", "RideCancelled", "ko", rider)).toContain("승객이 호출을 취소");
    expect(text("driver", "RideCancelled", "en", rider)).toBe("The rider cancelled the ride (from Yeouido). You are free for the next one.");
    expect(templateCode(rider, "driver", "RideCancelled")).toBe("DRIVER_RIDER_CANCELLED_01");
    const ops = by({ by: "ops", reason: "fraud suspected: internal note" });
    expect(text("driver", "RideCancelled", "en", ops)).toContain("An operator cancelled the ride");
    expect(text("driver", "RideCancelled", "en", ops), "an operator's reason stays with the operators").not.toContain("fraud");
    const declined = by({ by: "system", reason: "payment_declined" });
    expect(text("driver", "RideCancelled", "en", declined)).toContain("the rider's payment was declined");
    expect(text("driver", "RideCancelled", "ko", declined)).toContain("결제가 승인되지 않아");
    expect(text("driver", "RideCancelled", "en", by({ by: "system", reason: "rider_no_show" }))).toContain("the rider did not show up");
    for (const other of [ops, declined]) expect(templateCode(other, "driver", "RideCancelled")).toBe("DRIVER_RIDE_CANCELLED_01");
  });

  it("PaymentCaptured: the fare and the driver's share", () => {
    const settlement = { settlement: { driverId: "d1", fare: krw(12300), commission: krw(2460), earning: krw(9840) } };
    expect(text("driver", "PaymentCaptured", "ko", ride, settlement)).toContain("9,840원");
    expect(text("driver", "PaymentCaptured", "ko", ride, settlement)).toContain("12,300원");
    expect(text("driver", "PaymentCaptured", "en", ride, settlement)).toContain("KRW 9,840 of the KRW 12,300 fare");
  });

  it("every template has both languages and an AlimTalk template code", () => {
    for (const audience of ["rider", "driver"] as const) {
      for (const [type, byLocale] of Object.entries(TEMPLATES[audience])) {
        expect(Object.keys(byLocale).sort(), `${audience} ${type}`).toEqual(["en", "ko"]);
        expect(TEMPLATE_CODES[audience][type], `${audience} ${type}`).toMatch(/^[A-Z_0-9]+$/);
      }
    }
  });
});

describe("who is told", () => {
  it("riders of their ride's changes, drivers of their offers, cancellations by riders and settlements", () => {
    expect(recipientsOf(ride, event("DriverAssigned"))).toEqual([{ audience: "rider", recipient: "r1" }]);
    expect(recipientsOf(ride, event("DriverOffered", { driverId: "d7" }))).toEqual([{ audience: "driver", recipient: "d7" }]);
    const byRider = { ...ride, cancellation: { by: "rider" as const, reason: "x" } };
    expect(recipientsOf(byRider, event("RideCancelled"))).toEqual([
      { audience: "rider", recipient: "r1" },
      { audience: "driver", recipient: "d1" },
    ]);
    // Nobody was found: no driver to tell.
    expect(recipientsOf({ ...ride, driver: null }, event("RideCancelled"))).toEqual([{ audience: "rider", recipient: "r1" }]);
    // The hold declined after the assignment, or the stale timer's no-show: the driver on the way is told.
    for (const reason of ["payment_declined", "rider_no_show"]) {
      expect(recipientsOf({ ...ride, cancellation: { by: "system", reason } }, event("RideCancelled"))).toContainEqual({ audience: "driver", recipient: "d1" });
    }
    expect(recipientsOf({ ...ride, cancellation: { by: "ops", reason: "x" } }, event("RideCancelled"))).toContainEqual({ audience: "driver", recipient: "d1" });
    // The driver's own no-show report needs no word back.
    expect(recipientsOf({ ...ride, cancellation: { by: "driver", reason: "rider_no_show" } }, event("RideCancelled"))).toEqual([
      { audience: "rider", recipient: "r1" },
    ]);
    expect(recipientsOf(ride, event("PaymentCaptured", { settlement: { driverId: "d1", fare: krw(1), commission: krw(0), earning: krw(1) } }))).toEqual([
      { audience: "driver", recipient: "d1" },
    ]);
    expect(recipientsOf(ride, event("DispatchStarted"))).toEqual([]);
  });
});

describe("rides that end otherwise", () => {
  it("an unpaid trip tells the rider of the dues, not of a charge", () => {
    const unpaid: Ride = { ...ride, status: "completed", payment: { status: "failed" } };
    expect(text("rider", "RideCompleted", "en", unpaid)).toContain("could not be charged");
    expect(text("rider", "RideCompleted", "ko", unpaid)).toContain("미납");
    expect(text("rider", "RideCompleted", "en")).toContain("has been charged");
  });

  it("a no-show is explained to the rider, and the driver who reported it hears nothing back", () => {
    const noShow: Ride = { ...ride, status: "cancelled", cancellation: { by: "driver", reason: "rider_no_show" } };
    expect(text("rider", "RideCancelled", "en", noShow)).toContain("did not show up");
    expect(recipientsOf(noShow, event("RideCancelled")).map((r) => r.audience)).toEqual(["rider"]);
    const byRider: Ride = { ...noShow, cancellation: { by: "rider", reason: "changed plans" } };
    expect(recipientsOf(byRider, event("RideCancelled")).map((r) => r.recipient)).toEqual(["r1", "d1"]);
  });

  it("a refund tells the rider the amount; a settled unpaid fare tells the driver their share", () => {
    expect(text("rider", "PaymentRefunded", "en", ride, { amount: krw(4000) })).toContain("KRW 4,000");
    const settlement = { driverId: "d1", fare: krw(12300), commission: krw(2460), earning: krw(9840) };
    expect(text("driver", "DriverSettled", "ko", ride, { settlement })).toContain("9,840원");
    expect(recipientsOf(ride, event("DriverSettled", { settlement }))).toEqual([{ audience: "driver", recipient: "d1" }]);
  });
});

describe("parcels", () => {
  const parcel: Ride = {
    ...ride,
    product: "parcel_small",
    parcel: { weightKg: 4.5, recipient: { name: "Park" }, note: null },
    payment: { status: "captured" },
  };

  it("the sender hears parcel words: courier assigned, picked up, delivered, in ko and en", () => {
    expect(text("rider", "DriverAssigned", "en", parcel)).toContain("pick up your parcel");
    expect(text("rider", "TripStarted", "en", parcel)).toContain("picked up");
    expect(text("rider", "TripStarted", "ko", parcel)).toContain("픽업");
    expect(text("rider", "RideCompleted", "en", parcel)).toContain("delivered to Park");
    expect(text("rider", "RideCompleted", "ko", parcel)).toContain("배송 완료");
    expect(text("rider", "RideCompleted", "en"), "a ride keeps its own words").not.toContain("parcel");
    expect(templateCode(parcel, "rider", "RideCompleted")).toBe("PARCEL_DELIVERED_01");
    expect(templateCode(ride, "rider", "RideCompleted")).toBe("RIDER_COMPLETED_01");
    // A sender who did not hand the parcel over is charged the no-show fee, and told so as a rider is.
    const noShow = { ...parcel, cancellation: { by: "driver" as const, reason: "rider_no_show" }, fare: krw(3000) };
    expect(text("rider", "RideCancelled", "en", noShow)).toContain("A no-show fee of KRW 3,000 will be charged.");
    expect(text("rider", "RideCancelled", "ko", noShow)).toContain("노쇼 수수료 3,000원");
  });

  it("the courier's offer says it is a parcel and its weight; events without parcel words use the ride's", () => {
    const offered = { driverId: "d1", expiresAt: "2026-11-21T10:00:15.000Z" };
    expect(text("driver", "DriverOffered", "en", parcel, offered)).toContain("New parcel delivery");
    expect(text("driver", "DriverOffered", "ko", parcel, offered)).toContain("4.5 kg");
    expect(text("rider", "PaymentRefunded", "en", parcel, { amount: krw(1000) })).toContain("KRW 1,000");
  });

  it("a sender whose courier backs out, and a courier whose sender cancels, hear parcel words; an operator's cancel keeps the ride's", () => {
    expect(text("rider", "DriverUnassigned", "en", parcel)).toBe("Your courier had to cancel. We are finding you another courier.");
    expect(text("rider", "DriverUnassigned", "ko", parcel)).toContain("배송 기사님");
    expect(templateCode(parcel, "rider", "DriverUnassigned")).toBe("PARCEL_REASSIGNING_01");
    const assigned = { ...parcel, driver: { id: "d1", name: "Kim", vehicle: { plate: "1", model: "m", product: "parcel_small" as const }, location: null } };
    const bySender = { ...assigned, status: "cancelled" as const, cancellation: { by: "rider" as const, reason: "rider cancelled" } };
    expect(text("driver", "RideCancelled", "en", bySender)).toContain("The sender cancelled the delivery");
    expect(text("driver", "RideCancelled", "ko", bySender)).toContain("보내는 분이 배송을 취소했습니다");
    expect(templateCode(bySender, "driver", "RideCancelled")).toBe("PARCEL_SENDER_CANCELLED_01");
    const byOps = { ...bySender, cancellation: { by: "ops" as const, reason: "test" } };
    expect(text("driver", "RideCancelled", "en", byOps)).toContain("An operator cancelled the delivery");
    expect(text("driver", "RideCancelled", "en", { ...byOps, product: "standard" })).toContain("An operator cancelled the ride");
    expect(templateCode(byOps, "driver", "RideCancelled")).toBe("DRIVER_RIDE_CANCELLED_01");
  });

  it("every parcel text has both languages and a template code", () => {
    for (const audience of ["rider", "driver"] as const) {
      for (const [type, byLocale] of Object.entries(PARCEL_TEMPLATES[audience])) {
        expect(Object.keys(byLocale).sort(), `${audience} ${type}`).toEqual(["en", "ko"]);
        expect(PARCEL_TEMPLATE_CODES[audience][type], `${audience} ${type}`).toMatch(/^[A-Z_0-9]+$/);
      }
    }
  });
});

describe("a driver told of an operator's decision", () => {
  const driver = { id: "d9", approval: "rejected", approvalReason: "documents expired" } as Driver;
  const message = (type: string, d: Driver) => ({
    kind: "driver.notification" as const,
    event: { ...event(type), rideId: undefined, driverId: d.id },
    driver: d,
  });

  it("approved and rejected, in ko and en, with the reason, to the driver alone", () => {
    const [rejected] = noticesOf(message("DriverRejected", driver), ctx);
    expect(rejected).toMatchObject({ audience: "driver", recipient: "d9", rideId: "", templateCode: "DRIVER_REJECTED_01" });
    expect(rejected!.texts.en).toContain("rejected");
    expect(rejected!.texts.en).toContain("documents expired");
    expect(rejected!.texts.ko).toContain("거절");
    const [approved] = noticesOf(message("DriverApproved", { ...driver, approval: "approved", approvalReason: null }), ctx);
    expect(approved!.texts).toMatchObject({ ko: expect.stringContaining("승인") as string, en: expect.stringContaining("approved") as string });
    expect(noticesOf(message("DriverWentOnline", driver), ctx)).toEqual([]);
    expect(Object.keys(ACCOUNT_TEMPLATES).sort()).toEqual(["DriverApproved", "DriverRejected", "DriverWentOffline", "PayoutAccountChanged"]);
  });

  it("a payout account set: the driver is told, the account masked, to say so if they did not ask", () => {
    const changed = { ...message("PayoutAccountChanged", driver), event: { ...message("PayoutAccountChanged", driver).event, data: { account: "…CVdK" } } };
    const [notice] = noticesOf(changed, ctx);
    expect(notice).toMatchObject({ audience: "driver", recipient: "d9", templateCode: "DRIVER_PAYOUT_ACCOUNT_01" });
    expect(notice!.texts.en).toBe("Your payouts now go to the account ending …CVdK. If you did not ask for this, tell us at once.");
    expect(notice!.texts.ko).toContain("…CVdK");
  });

  it("taken offline for silence, in ko and en, to the driver alone; a driver's own offline is not told", () => {
    const online = { ...driver, approval: "approved", approvalReason: null } as Driver;
    const silent = {
      ...message("DriverWentOffline", online),
      event: { ...event("DriverWentOffline"), rideId: undefined, driverId: "d9", data: { reason: "silent" } },
    };
    const [notice] = noticesOf(silent, ctx);
    expect(notice).toMatchObject({ audience: "driver", recipient: "d9", rideId: "", templateCode: "DRIVER_OFFLINE_SILENT_01" });
    expect(notice!.texts.ko).toContain("오프라인");
    expect(notice!.texts.en).toContain("took you offline");
    expect(noticesOf({ ...silent, event: { ...silent.event, data: {} } }, ctx)).toEqual([]);
  });
});
