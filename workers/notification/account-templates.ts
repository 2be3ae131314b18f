/**
 * Texts of a driver's news with no ride involved: an operator's decision about them, being
 * taken offline for silence, and their payouts. Korean and English, as every text; their
 * AlimTalk template codes are with the others (./templates.ts).
 */
import type { Driver, PayoutNotificationMessage } from "../../src/domain/events";
import type { Locale } from "../../src/domain/types";
import { won } from "./templates";

/** A driver's text from the driver and the event's data; null: nothing to tell of this one. */
type AccountRender = (driver: Driver, data: Record<string, unknown>) => string | null;
const because = (d: Driver, locale: Locale) => (d.approvalReason ? (locale === "ko" ? ` 사유: ${d.approvalReason}` : ` Reason: ${d.approvalReason}`) : "");
const silent = (text: string) => (_d: Driver, data: Record<string, unknown>) => (data.reason === "silent" ? text : null);

/** What a driver is told of a change of them with no ride involved: an operator's decision, being taken offline for silence. */
export const ACCOUNT_TEMPLATES: Record<string, Record<Locale, AccountRender>> = {
  DriverApproved: {
    ko: (d) => `기사 등록이 승인되었습니다. 이제 운행을 시작할 수 있습니다.${because(d, "ko")}`,
    en: (d) => `Your driver registration was approved. You can go online now.${because(d, "en")}`,
  },
  DriverRejected: {
    ko: (d) => `기사 등록이 거절되었습니다. 운행을 시작할 수 없습니다.${because(d, "ko")}`,
    en: (d) => `Your driver registration was rejected; you cannot go online.${because(d, "en")}`,
  },
  // Where their payouts go was set by an operator: one they did not ask for is theirs to report.
  PayoutAccountChanged: {
    ko: (_d, data) => `정산 받을 계좌가 ${String(data.account ?? "")}(으)로 설정되었습니다. 요청하신 적이 없다면 고객센터에 바로 알려 주세요.`,
    en: (_d, data) => `Your payouts now go to the account ending ${String(data.account ?? "")}. If you did not ask for this, tell us at once.`,
  },
  // Only the silent timer's offline is told (a driver's own offline is their own doing).
  DriverWentOffline: {
    ko: silent("앱에서 한동안 위치가 오지 않아 운행을 오프라인으로 바꿨습니다. 다시 운행하려면 앱에서 운행을 시작해 주세요."),
    en: silent("We had not heard from your app for a while, so we took you offline. Go online in the app to take rides again."),
  },
};

type PayoutRender = (payout: PayoutNotificationMessage["payout"]) => string;

/**
 * What a driver is told of a payout answered for good (workers/gateway/payout-notices.ts), by
 * the event's type.
 *
 * @example
 * PAYOUT_TEMPLATES.PayoutSent!.en(payout); // "Your payout of KRW 123,400 was sent."
 */
export const PAYOUT_TEMPLATES: Record<string, Record<Locale, PayoutRender>> = {
  PayoutSent: {
    ko: (p) => `정산금 ${won(p.amount.amount, "ko")}이 지급되었습니다.`,
    en: (p) => `Your payout of ${won(p.amount.amount, "en")} was sent.`,
  },
  // Refused for good (a closed or wrong account, usually): the amount is owed again, and the next run pays it. Refused for a
  // reason of the platform's own (its balance short), the driver has nothing to check.
  PayoutFailed: {
    ko: (p) =>
      `정산금 ${won(p.amount.amount, "ko")}을 지급하지 못했습니다. 다음 정산 때 함께 지급됩니다. ${p.onOurSide ? "당사 측 문제로, 기사님께서 하실 일은 없습니다." : "정산 계좌를 확인해 주세요."}`,
    en: (p) =>
      `Your payout of ${won(p.amount.amount, "en")} could not be made; it will be paid with your next payout. ${p.onOurSide ? "The problem was on our side: there is nothing you need to do." : "Please check your payout account."}`,
  },
};
