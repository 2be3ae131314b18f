/**
 * Texts for every rider- and driver-facing event of a ride or a rental, in Korean and
 * English, and the KakaoTalk AlimTalk template code of every text (a driver's news with no
 * ride, their account and payouts, is written in ./account-templates.ts). Pure: the ride
 * snapshot and the event in, the text out.
 */
import { isNotified, type DomainEvent, type Settlement } from "../../src/domain/events";
import { isParcel } from "../../src/domain/ride/parcel";
import type { Locale, Place, Ride } from "../../src/domain/types";
import { driverCancelWhy, parcelReason, reasonText } from "./cancel-words";

export type Audience = "rider" | "driver";

export interface RenderContext {
  /** Where a rider finds the receipt of a completed ride. */
  receiptUrl: (rideId: string) => string;
  /** When the notice goes out (ms; default: when its event happened): an offer's countdown is what is left of it then. */
  now?: number;
}

type Render = (ride: Ride, event: DomainEvent, ctx: RenderContext) => string;

/** An amount of won as the texts write it. */
export const won = (amount: number, locale: Locale) => (locale === "ko" ? `${amount.toLocaleString("ko-KR")}원` : `KRW ${amount.toLocaleString("en-US")}`);
const minutes = (seconds: number | null) => Math.max(1, Math.round((seconds ?? 0) / 60));
const place = (p: Place) => p.address ?? `${p.lat.toFixed(4)}, ${p.lng.toFixed(4)}`;
const settlementOf = (event: DomainEvent) => event.data.settlement as Settlement | undefined;
/** The seconds an offer has left when its notice goes out: a retried notice does not promise the whole window again. */
const expiry = (event: DomainEvent, ctx: RenderContext) => {
  const at = typeof event.data.expiresAt === "string" ? Date.parse(event.data.expiresAt) : NaN;
  return Number.isFinite(at) ? Math.max(1, Math.round((at - (ctx.now ?? Date.parse(event.occurredAt))) / 1000)) : 15;
};

/**
 * Whether a cancellation's notice tells the rider a no-show fee will be charged (the ride's fare,
 * taken from the hold): a later notice of the fee's drop then stands for it (moments.ts).
 */
export const toldNoShowFee = (r: Ride): boolean => r.cancellation?.reason === "rider_no_show" && (r.fare?.amount ?? 0) > 0;

/** A no-show's fee, told with the cancellation: the rider hears of no charge otherwise. */
const noShowFee = (r: Ride, locale: Locale) => {
  if (!toldNoShowFee(r) || !r.fare) return "";
  return locale === "ko" ? ` 노쇼 수수료 ${won(r.fare.amount, "ko")}이 청구됩니다.` : ` A no-show fee of ${won(r.fare.amount, "en")} will be charged.`;
};

/** A rider's ride cancelled, and why (a no-show's fee with it). */
const RIDER_CANCELLED: Record<Locale, Render> = {
  ko: (r) => `호출이 취소되었습니다. 사유: ${reasonText(r.cancellation?.reason ?? "", "ko")}${noShowFee(r, "ko")}`,
  en: (r) => `Your ride was cancelled. Reason: ${reasonText(r.cancellation?.reason ?? "", "en")}${noShowFee(r, "en")}`,
};
/** A sender's parcel delivery cancelled: a sender who did not hand it over is a no-show as a rider is, and charged the same fee. */
const PARCEL_CANCELLED: Record<Locale, Render> = {
  ko: (r) => `배송 요청이 취소되었습니다. 사유: ${parcelReason(r, "ko")}${noShowFee(r, "ko")}`,
  en: (r) => `Your parcel delivery was cancelled. Reason: ${parcelReason(r, "en")}${noShowFee(r, "en")}`,
};
/**
 * A no-show's fee the provider refused, or whose hold it declined, dropped: the cancellation told again, without its fee,
 * and that the fee is dropped. It stands for the cancellation's notice, should that one be retried
 * or replayed after it (`moments.ts`): the rider is never told last that the fee will be charged.
 */
const feeDropped = (cancelled: Record<Locale, Render>): Record<Locale, Render> => ({
  ko: (r, e, c) => `${cancelled.ko({ ...r, fare: null }, e, c)} 노쇼 수수료는 결제되지 않아 청구되지 않습니다. 추가로 하실 일은 없습니다.`,
  en: (r, e, c) => `${cancelled.en({ ...r, fare: null }, e, c)} The no-show fee could not be charged and will not be: there is nothing you need to do.`,
});

export const TEMPLATES: Record<Audience, Record<string, Record<Locale, Render>>> = {
  rider: {
    DriverAssigned: {
      ko: (r) =>
        `배차 완료: ${r.driver?.name ?? "기사님"} 기사님의 ${r.driver?.vehicle.model ?? ""} (${r.driver?.vehicle.plate ?? ""}) 차량이 약 ${minutes(r.etaSeconds)}분 후 도착합니다.`,
      en: (r) =>
        `Driver assigned: ${r.driver?.name ?? "your driver"} in a ${r.driver?.vehicle.model ?? "car"} (${r.driver?.vehicle.plate ?? ""}) arrives in about ${minutes(r.etaSeconds)} min.`,
    },
    DriverUnassigned: {
      ko: () => "배정된 기사님이 운행을 취소하셨습니다. 다른 차량을 찾고 있습니다.",
      en: () => "Your driver had to cancel. We are finding you another car.",
    },
    DriverArrived: {
      ko: (r) => `${r.driver?.vehicle.plate ?? ""} 차량이 출발지(${place(r.pickup)})에 도착했습니다.`,
      en: (r) => `Your driver has arrived at ${place(r.pickup)} (${r.driver?.vehicle.plate ?? ""}).`,
    },
    TripStarted: {
      ko: (r) => `운행을 시작했습니다. 목적지: ${place(r.dropoff)}.`,
      en: (r) => `Your trip has started. Destination: ${place(r.dropoff)}.`,
    },
    RideCompleted: {
      ko: (r, _e, c) =>
        r.payment.status === "failed"
          ? `운행이 완료되었으나 요금 ${won(r.fare?.amount ?? 0, "ko")}이 결제되지 않았습니다. 다음 호출 전에 미납 요금을 결제해 주세요.`
          : `운행이 완료되었습니다. 요금 ${won(r.fare?.amount ?? 0, "ko")}이 결제되었습니다. 영수증: ${c.receiptUrl(r.id)}`,
      en: (r, _e, c) =>
        r.payment.status === "failed"
          ? `Trip completed, but your fare of ${won(r.fare?.amount ?? 0, "en")} could not be charged. Please pay your dues before your next ride.`
          : `Trip completed. Your fare of ${won(r.fare?.amount ?? 0, "en")} has been charged. Receipt: ${c.receiptUrl(r.id)}`,
    },
    PaymentRefunded: {
      ko: (_r, e) => `${won((e.data.amount as { amount: number } | undefined)?.amount ?? 0, "ko")}이 환불되었습니다.`,
      en: (_r, e) => `${won((e.data.amount as { amount: number } | undefined)?.amount ?? 0, "en")} has been refunded to you.`,
    },
    RideCancelled: RIDER_CANCELLED,
    // Only a no-show fee dropped (its capture refused, or its hold declined) is told (`recipientsOf`): the cancellation said it would be charged.
    PaymentFailed: feeDropped(RIDER_CANCELLED),
  },
  driver: {
    DriverOffered: {
      ko: (r, e, c) => `새 호출: ${place(r.pickup)} → ${place(r.dropoff)}, 예상 요금 ${won(r.quote.amount, "ko")}. ${expiry(e, c)}초 안에 수락해 주세요.`,
      en: (r, e, c) => `New ride: ${place(r.pickup)} → ${place(r.dropoff)}, about ${won(r.quote.amount, "en")}. Accept within ${expiry(e, c)} s.`,
    },
    RideCancelled: {
      ko: (r) => `${driverCancelWhy(r, "ko")} (${place(r.pickup)}). 다음 호출을 기다려 주세요.`,
      en: (r) => `${driverCancelWhy(r, "en")} (from ${place(r.pickup)}). You are free for the next one.`,
    },
    PaymentCaptured: {
      ko: (r, e) =>
        `정산 완료: 운임 ${won(settlementOf(e)?.fare.amount ?? r.fare?.amount ?? 0, "ko")} 중 ${won(settlementOf(e)?.earning.amount ?? 0, "ko")}이 적립되었습니다.`,
      en: (r, e) =>
        `Payment settled: ${won(settlementOf(e)?.earning.amount ?? 0, "en")} of the ${won(settlementOf(e)?.fare.amount ?? r.fare?.amount ?? 0, "en")} fare is yours.`,
    },
    DriverSettled: {
      ko: (r, e) =>
        `정산 완료: 승객 결제와 관계없이 운임 ${won(r.fare?.amount ?? 0, "ko")} 중 ${won(settlementOf(e)?.earning.amount ?? 0, "ko")}이 적립되었습니다.`,
      en: (r, e) =>
        `Payment settled: ${won(settlementOf(e)?.earning.amount ?? 0, "en")} of the ${won(r.fare?.amount ?? 0, "en")} fare is yours, whatever the rider paid.`,
    },
  },
};

const recipientName = (r: Ride) => r.parcel?.recipient.name ?? "";
const kg = (r: Ride) => (r.parcel ? `${r.parcel.weightKg} kg` : "");

/** Parcel rides (`parcel_small`, `parcel_large`) in parcel words: picked up, delivered. Events not here use the ride's texts. */
export const PARCEL_TEMPLATES: Record<Audience, Record<string, Record<Locale, Render>>> = {
  rider: {
    DriverAssigned: {
      ko: (r) =>
        `배송 기사 배정: ${r.driver?.name ?? "기사님"} 기사님의 ${r.driver?.vehicle.model ?? ""} (${r.driver?.vehicle.plate ?? ""}) 차량이 약 ${minutes(r.etaSeconds)}분 후 물품을 받으러 갑니다.`,
      en: (r) =>
        `Courier assigned: ${r.driver?.name ?? "your courier"} (${r.driver?.vehicle.model ?? "vehicle"}, ${r.driver?.vehicle.plate ?? ""}) comes to pick up your parcel in about ${minutes(r.etaSeconds)} min.`,
    },
    DriverArrived: {
      ko: (r) => `배송 기사님이 출발지(${place(r.pickup)})에 도착했습니다. 물품을 전달해 주세요.`,
      en: (r) => `Your courier has arrived at ${place(r.pickup)} to pick up the parcel.`,
    },
    TripStarted: {
      ko: (r) => `물품을 픽업했습니다. ${recipientName(r)} 님께 배송 중입니다 (도착지: ${place(r.dropoff)}).`,
      en: (r) => `Your parcel was picked up and is on its way to ${recipientName(r)} at ${place(r.dropoff)}.`,
    },
    RideCompleted: {
      ko: (r, _e, c) =>
        r.payment.status === "failed"
          ? `물품이 ${recipientName(r)} 님께 배송 완료되었으나 요금 ${won(r.fare?.amount ?? 0, "ko")}이 결제되지 않았습니다. 미납 요금을 결제해 주세요.`
          : `물품이 ${recipientName(r)} 님께 배송 완료되었습니다. 요금 ${won(r.fare?.amount ?? 0, "ko")}이 결제되었습니다. 영수증: ${c.receiptUrl(r.id)}`,
      en: (r, _e, c) =>
        r.payment.status === "failed"
          ? `Your parcel was delivered to ${recipientName(r)}, but the fare of ${won(r.fare?.amount ?? 0, "en")} could not be charged. Please pay your dues.`
          : `Your parcel was delivered to ${recipientName(r)}. The fare of ${won(r.fare?.amount ?? 0, "en")} has been charged. Receipt: ${c.receiptUrl(r.id)}`,
    },
    DriverUnassigned: {
      ko: () => "배정된 배송 기사님이 취소하셨습니다. 다른 배송 기사님을 찾고 있습니다.",
      en: () => "Your courier had to cancel. We are finding you another courier.",
    },
    RideCancelled: PARCEL_CANCELLED,
    PaymentFailed: feeDropped(PARCEL_CANCELLED),
  },
  driver: {
    // The sender's cancel (an operator's or the system's is DRIVER_CANCEL_OTHERS, in the ride's words).
    RideCancelled: {
      ko: (r) => `보내는 분이 배송을 취소했습니다 (${place(r.pickup)}). 다음 호출을 기다려 주세요.`,
      en: (r) => `The sender cancelled the delivery (from ${place(r.pickup)}). You are free for the next one.`,
    },
    DriverOffered: {
      ko: (r, e, c) =>
        `새 배송: ${place(r.pickup)} → ${place(r.dropoff)}, ${kg(r)}, 예상 요금 ${won(r.quote.amount, "ko")}. ${expiry(e, c)}초 안에 수락해 주세요.`,
      en: (r, e, c) =>
        `New parcel delivery: ${place(r.pickup)} → ${place(r.dropoff)}, ${kg(r)}, about ${won(r.quote.amount, "en")}. Accept within ${expiry(e, c)} s.`,
    },
  },
};

/** The AlimTalk template registered for each text (codes are the Kakao channel's). */
export const TEMPLATE_CODES: Record<Audience, Record<string, string>> = {
  rider: {
    DriverAssigned: "RIDER_ASSIGNED_01",
    DriverUnassigned: "RIDER_REASSIGNING_01",
    DriverArrived: "RIDER_ARRIVED_01",
    TripStarted: "RIDER_STARTED_01",
    RideCompleted: "RIDER_COMPLETED_01",
    RideCancelled: "RIDER_CANCELLED_01",
    PaymentRefunded: "RIDER_REFUNDED_01",
    PaymentFailed: "RIDER_NO_SHOW_FEE_DROPPED_01",
  },
  driver: {
    DriverOffered: "DRIVER_OFFER_01",
    // The rider's cancel; others (an operator's, the system's) are DRIVER_CANCEL_OTHERS.
    RideCancelled: "DRIVER_RIDER_CANCELLED_01",
    PaymentCaptured: "DRIVER_SETTLED_01",
    DriverSettled: "DRIVER_SETTLED_01",
    DriverApproved: "DRIVER_APPROVED_01",
    DriverRejected: "DRIVER_REJECTED_01",
    DriverWentOffline: "DRIVER_OFFLINE_SILENT_01",
    PayoutAccountChanged: "DRIVER_PAYOUT_ACCOUNT_01",
    PayoutSent: "DRIVER_PAYOUT_SENT_01",
    PayoutFailed: "DRIVER_PAYOUT_FAILED_01",
  },
};

export const PARCEL_TEMPLATE_CODES: Record<Audience, Record<string, string>> = {
  rider: {
    DriverAssigned: "PARCEL_ASSIGNED_01",
    DriverArrived: "PARCEL_COURIER_ARRIVED_01",
    TripStarted: "PARCEL_PICKED_UP_01",
    RideCompleted: "PARCEL_DELIVERED_01",
    DriverUnassigned: "PARCEL_REASSIGNING_01",
    RideCancelled: "PARCEL_CANCELLED_01",
    PaymentFailed: "PARCEL_NO_SHOW_FEE_DROPPED_01",
  },
  driver: { DriverOffered: "PARCEL_OFFER_01", RideCancelled: "PARCEL_SENDER_CANCELLED_01" },
};

/** The AlimTalk template of a driver's ride cancelled by an operator or by the system (its reason a variable). */
export const DRIVER_CANCEL_OTHERS = "DRIVER_RIDE_CANCELLED_01";
/** A driver's notice of a ride an operator or the system cancelled: one text (`DRIVER_CANCEL_OTHERS`), a parcel's too. */
const cancelledByOthers = (ride: Ride | null, audience: Audience, type: string): boolean =>
  audience === "driver" && type === "RideCancelled" && !!ride?.cancellation && ride.cancellation.by !== "rider";

/**
 * The AlimTalk template code of a text (parcel rides have their own where their words differ).
 *
 * @example
 * templateCode(parcelRide, "rider", "RideCompleted"); // "PARCEL_DELIVERED_01"
 */
export function templateCode(ride: Ride | null, audience: Audience, type: string): string {
  if (cancelledByOthers(ride, audience, type)) return DRIVER_CANCEL_OTHERS;
  const parcel = ride && isParcel(ride.product) ? PARCEL_TEMPLATE_CODES[audience][type] : undefined;
  return parcel ?? TEMPLATE_CODES[audience][type] ?? "GENERIC_01";
}

/**
 * The text of `event` for `audience` in `locale`, or null when that audience is not told.
 *
 * @example
 * render(ride, event, "rider", "ko", ctx); // "배차 완료: 김기사 기사님의 Sonata (30우8281) 차량이 약 4분 후 도착합니다."
 */
export function render(ride: Ride, event: DomainEvent, audience: Audience, locale: Locale, ctx: RenderContext): string | null {
  const parcel = isParcel(ride.product) && !cancelledByOthers(ride, audience, event.type) ? PARCEL_TEMPLATES[audience][event.type] : undefined;
  return (parcel ?? TEMPLATES[audience][event.type])?.[locale](ride, event, ctx) ?? null;
}

/** Who hears of an event: the rider for rider-facing ones, the driver concerned for driver-facing ones. */
export function recipientsOf(ride: Ride, event: DomainEvent): { audience: Audience; recipient: string }[] {
  const out: { audience: Audience; recipient: string }[] = [];
  if (TEMPLATES.rider[event.type] && isNotified(event)) out.push({ audience: "rider", recipient: ride.riderId });
  if (TEMPLATES.driver[event.type]) {
    const driverId =
      event.type === "DriverOffered"
        ? (event.data.driverId as string | undefined)
        : event.type === "PaymentCaptured" || event.type === "DriverSettled"
          ? settlementOf(event)?.driverId
          : // A driver who cancelled (a no-show they reported) needs no word of it. Anyone else's cancel
            // (the rider's, an operator's, the system's: a hold declined after the assignment, a
            // no-show the stale timer reported) frees a driver who may be driving to the pickup.
            event.type === "RideCancelled" && ride.cancellation?.by !== "driver"
            ? ride.driver?.id
            : undefined;
    if (driverId) out.push({ audience: "driver", recipient: driverId });
  }
  return out;
}
