/**
 * Rider-facing texts in Korean and English, one template per event. Pure: the ride
 * snapshot in, the text out.
 */
import type { DomainEvent } from "../../src/domain/events";
import type { Locale, Ride } from "../../src/domain/types";

type Render = (ride: Ride, event: DomainEvent) => string;

const won = (amount: number, locale: Locale) => (locale === "ko" ? `${amount.toLocaleString("ko-KR")}원` : `KRW ${amount.toLocaleString("en-US")}`);
const minutes = (seconds: number | null) => Math.max(1, Math.round((seconds ?? 0) / 60));

const CANCEL_REASONS: Record<string, Record<Locale, string>> = {
  no_driver_available: { ko: "주변에 배차 가능한 차량이 없습니다. 잠시 후 다시 호출해 주세요.", en: "No driver was available nearby. Please try again in a little while." },
  payment_declined: { ko: "결제 수단이 승인되지 않았습니다.", en: "Your payment method was declined." },
};

const reasonText = (reason: string, locale: Locale) => CANCEL_REASONS[reason]?.[locale] ?? reason.replace(/_/g, " ");

export const TEMPLATES: Record<string, Record<Locale, Render>> = {
  DriverAssigned: {
    ko: (r) => `배차 완료: ${r.driver?.name ?? "기사님"} 기사님의 ${r.driver?.vehicle.model ?? ""} (${r.driver?.vehicle.plate ?? ""}) 차량이 약 ${minutes(r.etaSeconds)}분 후 도착합니다.`,
    en: (r) => `Driver assigned: ${r.driver?.name ?? "your driver"} in a ${r.driver?.vehicle.model ?? "car"} (${r.driver?.vehicle.plate ?? ""}) arrives in about ${minutes(r.etaSeconds)} min.`,
  },
  DriverUnassigned: {
    ko: () => "배정된 기사님이 운행을 취소하셨습니다. 다른 차량을 찾고 있습니다.",
    en: () => "Your driver had to cancel. We are finding you another car.",
  },
  DriverArrived: {
    ko: (r) => `${r.driver?.vehicle.plate ?? ""} 차량이 출발지에 도착했습니다.`,
    en: (r) => `Your driver has arrived at the pickup point (${r.driver?.vehicle.plate ?? ""}).`,
  },
  TripStarted: {
    ko: (r) => `운행을 시작했습니다. 목적지: ${r.dropoff.address ?? `${r.dropoff.lat}, ${r.dropoff.lng}`}.`,
    en: (r) => `Your trip has started. Destination: ${r.dropoff.address ?? `${r.dropoff.lat}, ${r.dropoff.lng}`}.`,
  },
  RideCompleted: {
    ko: (r) => `운행이 완료되었습니다. 요금 ${won(r.fare?.amount ?? 0, "ko")}이 결제되었습니다. 이용해 주셔서 감사합니다.`,
    en: (r) => `Trip completed. Your fare of ${won(r.fare?.amount ?? 0, "en")} has been charged. Thank you for riding.`,
  },
  RideCancelled: {
    ko: (r) => `호출이 취소되었습니다. 사유: ${reasonText(r.cancellation?.reason ?? "", "ko")}`,
    en: (r) => `Your ride was cancelled. Reason: ${reasonText(r.cancellation?.reason ?? "", "en")}`,
  },
};

/**
 * The text of `event` for its ride in `locale`, or null when the event is not rider-facing.
 *
 * @example
 * render(ride, event, "ko"); // "배차 완료: 김기사 기사님의 Sonata (30우8281) 차량이 약 4분 후 도착합니다."
 */
export function render(ride: Ride, event: DomainEvent, locale: Locale): string | null {
  return TEMPLATES[event.type]?.[locale](ride, event) ?? null;
}
