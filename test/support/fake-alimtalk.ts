/**
 * A local stand-in for the KakaoTalk AlimTalk send API (NHN Cloud v2.3 shape):
 * POST /alimtalk/v2.3/appkeys/{appKey}/messages with X-Secret-Key, answering
 * {header: {resultCode, resultMessage, isSuccessful}, message: {requestId, sendResults}}.
 * It checks the request the way the real API does (app key, secret, sender key, a
 * registered template code, one recipient number) and records what it accepted.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface AlimTalkSent {
  templateCode: string;
  recipientNo: string;
  text: string;
  rideId: string;
  groupingKey: string;
}

export interface AlimTalkRules {
  appKey: string;
  secretKey: string;
  senderKey: string;
  templates: Set<string>;
}

/** Answers one request (status and JSON body) and, when accepted, what was sent. */
export function answerAlimTalk(rules: AlimTalkRules, path: string, secret: string | null, raw: string): { status: number; body: unknown; sent?: AlimTalkSent } {
  const header = (resultCode: number, resultMessage: string) => ({ resultCode, resultMessage, isSuccessful: resultCode === 0 });
  if (path !== `/alimtalk/v2.3/appkeys/${rules.appKey}/messages`) return { status: 404, body: { header: header(-1, "unknown appkey or path") } };
  if (secret !== rules.secretKey) return { status: 401, body: { header: header(-1000, "invalid secret key") } };
  let body: {
    senderKey?: string;
    templateCode?: string;
    recipientList?: { recipientNo?: string; templateParameter?: Record<string, string>; recipientGroupingKey?: string }[];
  };
  try {
    body = JSON.parse(raw) as typeof body;
  } catch {
    return { status: 400, body: { header: header(-1001, "invalid JSON") } };
  }
  const recipient = body.recipientList?.[0];
  if (body.senderKey !== rules.senderKey) return { status: 200, body: { header: header(-2001, "invalid sender key") } };
  if (!body.templateCode || !rules.templates.has(body.templateCode))
    return { status: 200, body: { header: header(-3001, `unregistered template ${body.templateCode}`) } };
  if (!recipient?.recipientNo || !/^01\d{8,9}$/.test(recipient.recipientNo))
    return { status: 200, body: { header: header(-4001, "invalid recipient number") } };
  const sent = {
    templateCode: body.templateCode,
    recipientNo: recipient.recipientNo,
    text: recipient.templateParameter?.text ?? "",
    rideId: recipient.templateParameter?.rideId ?? "",
    groupingKey: recipient.recipientGroupingKey ?? "",
  };
  return {
    status: 200,
    body: {
      header: header(0, "SUCCESS"),
      message: {
        requestId: `req-${Date.now()}`,
        senderGroupingKey: null,
        sendResults: [
          {
            recipientSeq: 1,
            recipientNo: recipient.recipientNo,
            resultCode: 0,
            resultMessage: "SUCCESS",
            recipientGroupingKey: recipient.recipientGroupingKey ?? null,
          },
        ],
      },
    },
    sent,
  };
}

export async function startFakeAlimTalk(rules: AlimTalkRules) {
  const sent: AlimTalkSent[] = [];
  let failing = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (failing)
        return void res
          .writeHead(503, { "content-type": "application/json" })
          .end(JSON.stringify({ header: { resultCode: -9999, resultMessage: "maintenance", isSuccessful: false } }));
      const answer = answerAlimTalk(
        rules,
        (req.url ?? "").split("?")[0]!,
        (req.headers["x-secret-key"] as string | undefined) ?? null,
        Buffer.concat(chunks).toString("utf8"),
      );
      if (answer.sent) sent.push(answer.sent);
      res.writeHead(answer.status, { "content-type": "application/json;charset=UTF-8" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    setFailing: (value: boolean) => {
      failing = value;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
