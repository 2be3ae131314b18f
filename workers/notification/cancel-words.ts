/**
 * Why a ride was cancelled, in the words of whoever is told: a rider, a parcel's sender, a
 * driver or a courier. A parcel's people are never told of a "passenger" (its sender is no
 * passenger, and nobody rides). Used by ./templates.ts.
 */
import { isParcel } from "../../src/domain/ride/parcel";
import type { Locale, Ride } from "../../src/domain/types";

const CANCEL_REASONS: Record<string, Record<Locale, string>> = {
  no_driver_available: {
    ko: "주변에 배차 가능한 차량이 없습니다. 잠시 후 다시 호출해 주세요.",
    en: "No driver was available nearby. Please try again in a little while.",
  },
  payment_declined: { ko: "결제 수단이 승인되지 않았습니다.", en: "Your payment method was declined." },
  rider_no_show: { ko: "기사님이 출발지에서 기다렸으나 승객이 나타나지 않았습니다.", en: "Your driver waited at the pickup but you did not show up." },
  // The reasons left when a rider or an operator gave none (`cancelledReason`): words, not codes, in either language.
  rider_cancelled: { ko: "승객님의 요청으로 취소되었습니다.", en: "You cancelled it." },
  ops_cancelled: { ko: "운영자가 취소했습니다.", en: "An operator cancelled it." },
};

/** The reasons a parcel's sender reads in their own words (the others read as a rider's). */
const PARCEL_REASONS: Record<string, Record<Locale, string>> = {
  // A sender who did not hand the parcel over.
  rider_no_show: {
    ko: "기사님이 출발지에서 기다렸으나 물품을 전달받지 못했습니다.",
    en: "Your courier waited at the pickup but the parcel was not handed over.",
  },
  rider_cancelled: { ko: "보내는 분의 요청으로 취소되었습니다.", en: "You cancelled it." },
};

/**
 * A cancellation's reason as its rider reads it: a code in words, or the reason a rider or an operator gave.
 *
 * @example
 * reasonText("payment_declined", "en"); // "Your payment method was declined."
 */
export const reasonText = (reason: string, locale: Locale): string => CANCEL_REASONS[reason]?.[locale] ?? reason.replace(/_/g, " ");

/**
 * A parcel's cancellation reason as its sender reads it.
 *
 * @example
 * parcelReason(cancelledParcel, "ko"); // "보내는 분의 요청으로 취소되었습니다."
 */
export const parcelReason = (r: Ride, locale: Locale): string => {
  const reason = r.cancellation?.reason ?? "";
  return PARCEL_REASONS[reason]?.[locale] ?? reasonText(reason, locale);
};

/**
 * Why the driver's ride was cancelled, in the driver's words, or a courier's for a parcel (an
 * operator's own reason stays with the operators).
 *
 * @example
 * driverCancelWhy(rideCancelledByItsRider, "en"); // "The rider cancelled the ride"
 */
export function driverCancelWhy(r: Ride, locale: Locale): string {
  const ko = locale === "ko";
  const parcel = isParcel(r.product);
  if (r.cancellation?.by === "rider") return ko ? "승객이 호출을 취소했습니다" : "The rider cancelled the ride";
  if (r.cancellation?.by === "ops") {
    if (parcel) return ko ? "운영자가 배송을 취소했습니다" : "An operator cancelled the delivery";
    return ko ? "운영자가 호출을 취소했습니다" : "An operator cancelled the ride";
  }
  if (r.cancellation?.reason === "payment_declined") {
    if (parcel) return ko ? "보내는 분의 결제가 승인되지 않아 배송이 취소되었습니다" : "The delivery was cancelled: the sender's payment was declined";
    return ko ? "승객의 결제가 승인되지 않아 호출이 취소되었습니다" : "The ride was cancelled: the rider's payment was declined";
  }
  if (r.cancellation?.reason === "rider_no_show") {
    if (parcel) return ko ? "물품을 전달받지 못해 배송이 취소되었습니다" : "The delivery was cancelled: the parcel was not handed over";
    return ko ? "승객이 나타나지 않아 호출이 취소되었습니다" : "The ride was cancelled: the rider did not show up";
  }
  return ko ? (parcel ? "배송이 취소되었습니다" : "호출이 취소되었습니다") : parcel ? "The delivery was cancelled" : "The ride was cancelled";
}
