/**
 * KakaoTalk AlimTalk channel, in the request shape of the NHN Cloud AlimTalk API
 * (v2.3): POST {base}/alimtalk/v2.3/appkeys/{appKey}/messages with the X-Secret-Key
 * header and a body naming the sender profile, the registered template and one
 * recipient with the template's parameters. Enabled by KAKAO_APP_KEY, KAKAO_SENDER_KEY
 * and the KAKAO_SECRET_KEY secret. The phone number is opened from its sealed form at
 * the moment of sending and never logged.
 */
import type { Channel, Delivery } from "./channels";

export interface AlimTalkConfig {
  baseUrl: string;
  appKey: string;
  secretKey: string;
  senderKey: string;
  /** The recipient's phone in E.164, or null when none is on file. */
  phoneOf: (userId: string) => Promise<string | null>;
  timeoutMs?: number;
}

interface AlimTalkAnswer {
  header?: { isSuccessful?: boolean; resultCode?: number; resultMessage?: string };
  message?: { requestId?: string; sendResults?: { resultCode?: number; resultMessage?: string }[] };
}

/** The AlimTalk `recipientNo`: Korean numbers go without the country code (01012345678). */
export const recipientNo = (e164: string) => (e164.startsWith("+82") ? `0${e164.slice(3)}` : e164.replace(/^\+/, ""));

export function alimTalkChannel(config: AlimTalkConfig): Channel {
  return {
    name: "kakao",
    reachMayChange: true,
    accepts: async (d) => (await config.phoneOf(d.recipient)) !== null,
    async send(d: Delivery) {
      const phone = await config.phoneOf(d.recipient);
      if (!phone) throw new Error("kakao: no phone on file");
      const body = {
        senderKey: config.senderKey,
        templateCode: d.templateCode,
        requestDate: "",
        recipientList: [
          {
            recipientNo: recipientNo(phone),
            templateParameter: { text: d.text, rideId: d.rideId, event: d.event },
            recipientGroupingKey: d.id,
          },
        ],
      };
      const response = await fetch(`${config.baseUrl.replace(/\/$/, "")}/alimtalk/v2.3/appkeys/${encodeURIComponent(config.appKey)}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json;charset=UTF-8", "x-secret-key": config.secretKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`kakao answered ${response.status}`);
      const answer = (await response.json()) as AlimTalkAnswer;
      const result = answer.message?.sendResults?.[0];
      if (!answer.header?.isSuccessful || (result && result.resultCode !== 0)) {
        throw new Error(`kakao refused: ${answer.header?.resultMessage ?? ""} ${result?.resultMessage ?? ""}`.trim());
      }
    },
  };
}
