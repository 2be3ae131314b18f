/**
 * The rider's texts of rental events, in Korean and English, and their KakaoTalk AlimTalk
 * template codes (a ride's are ./templates.ts). Pure: the rental and the event in, the text out.
 */
import type { DomainEvent } from "../../src/domain/events";
import type { Rental } from "../../src/domain/rental/types";
import type { Locale } from "../../src/domain/types";
import { won } from "./templates";

type RentalRender = (rental: Rental, event: DomainEvent) => string;

/** The rider's texts of rental events (the key itself is never in a text: the app shows it). */
export const RENTAL_TEMPLATES: Record<string, Record<Locale, RentalRender>> = {
  RentalConfirmed: {
    ko: (r) => `대여가 확정되었습니다: ${r.hours}시간, ${won(r.price.amount, "ko")} 결제 완료. 잠금 해제 키를 곧 앱에서 확인하실 수 있습니다.`,
    en: (r) => `Your rental is confirmed: ${r.hours} h, ${won(r.price.amount, "en")} charged. Your unlock key will appear in the app shortly.`,
  },
  RentalKeyIssued: {
    ko: () => "잠금 해제 키가 발급되었습니다. 앱에서 키를 확인해 차량을 여세요.",
    en: () => "Your unlock key is ready: open the app to see it and unlock your vehicle.",
  },
  RentalDeclined: {
    ko: (_r, e) =>
      e.data.reason === "payment_timeout"
        ? "결제 확인이 늦어져 대여가 취소되었습니다. 청구된 금액이 있다면 환불됩니다. 잠시 후 다시 시도해 주세요."
        : "결제 수단이 승인되지 않아 대여가 취소되었습니다.",
    en: (_r, e) =>
      e.data.reason === "payment_timeout"
        ? "Your rental could not be made: the payment could not be confirmed in time. Anything charged meanwhile is refunded; please try again shortly."
        : "Your rental could not be made: your payment method was declined.",
  },
  RentalCancelled: {
    // Cancelled while its payment was in flight: nothing was charged yet (a hold is released); once authorised, its capture
    // may already be on its way, and if it goes through it is refunded: the rider is told so, not that nothing is charged.
    ko: (r) =>
      `대여가 취소되었습니다. ${
        r.payment.status === "captured"
          ? "잠금 해제 키는 더 이상 사용할 수 없으며, 결제 금액은 환불됩니다."
          : r.payment.status === "authorized"
            ? "카드의 승인 금액은 해제되며, 그 사이 청구된 금액이 있다면 환불됩니다."
            : "요금은 청구되지 않으며, 카드의 승인 금액은 해제됩니다."
      }`,
    en: (r) =>
      `Your rental was cancelled. ${
        r.payment.status === "captured"
          ? "Its unlock key no longer works, and your payment is being refunded."
          : r.payment.status === "authorized"
            ? "Any hold on your card is released, and a charge made meanwhile is refunded."
            : "Nothing is charged, and any hold on your card is released."
      }`,
  },
  PaymentRefunded: {
    ko: (_r, e) => `대여 요금 ${won((e.data.amount as { amount: number } | undefined)?.amount ?? 0, "ko")}이 환불되었습니다.`,
    en: (_r, e) => `Your rental payment of ${won((e.data.amount as { amount: number } | undefined)?.amount ?? 0, "en")} has been refunded.`,
  },
  RentalCompleted: {
    ko: (_r, e) =>
      e.data.by === "system" ? "대여 시간이 끝나 대여가 종료되었습니다. 이용해 주셔서 감사합니다." : "차량이 반납되어 대여가 종료되었습니다. 감사합니다.",
    en: (_r, e) =>
      e.data.by === "system" ? "Your rental time is up and the rental has ended. Thank you." : "Vehicle returned: your rental has ended. Thank you.",
  },
};

/** The AlimTalk template of each rental text. */
export const RENTAL_TEMPLATE_CODES: Record<string, string> = {
  RentalConfirmed: "RIDER_RENTAL_CONFIRMED_01",
  RentalKeyIssued: "RIDER_RENTAL_KEY_01",
  RentalDeclined: "RIDER_RENTAL_DECLINED_01",
  RentalCancelled: "RIDER_RENTAL_CANCELLED_01",
  PaymentRefunded: "RIDER_RENTAL_REFUNDED_01",
  RentalCompleted: "RIDER_RENTAL_COMPLETED_01",
};

/**
 * The rider's text of a rental event in `locale`, or null when riders are not told of it.
 *
 * @example
 * renderRental(rental, event, "en"); // "Your unlock key is ready: ..."
 */
export function renderRental(rental: Rental, event: DomainEvent, locale: Locale): string | null {
  return RENTAL_TEMPLATES[event.type]?.[locale](rental, event) ?? null;
}
