/**
 * The webhook's POST, received by a real HTTP server on 127.0.0.1: the contract's body signature,
 * and the signature with the send time in it, which a receiver checks to refuse a replay.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../workers/notification/channels";
import { postWebhook } from "../workers/notification/webhook";

const SECRET = "whsec-0123456789abcdef";
const hmac = (text: string) => createHmac("sha256", SECRET).update(text).digest("hex");
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const delivery: Delivery = {
  id: "nt_1",
  eventId: "ev_1",
  event: "RideCancelled",
  rideId: "rd_1",
  audience: "rider",
  recipient: "r1",
  locale: "en",
  text: "Your ride was cancelled.",
  texts: { ko: "취소되었습니다.", en: "Your ride was cancelled." },
  templateCode: "RIDER_CANCELLED_01",
  correlationId: "req-1",
};

/** What a receiver does: the timestamped signature must match, and its time be at most `toleranceS` old. */
function receiverAccepts(headers: IncomingHttpHeaders, body: string, nowS: number, toleranceS = 300): boolean {
  const match = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(String(headers["x-webhook-signature"]));
  if (!match) return false;
  const [, t, signature] = match;
  return signature === hmac(`${t}.${body}`) && t === headers["x-webhook-timestamp"] && nowS - Number(t) <= toleranceS;
}

describe("the webhook's signatures", () => {
  it("signs the body as the contract says, and the body with its send time", async () => {
    const sentAt = Date.parse("2026-12-06T10:00:00Z");
    await postWebhook(url, SECRET, delivery, 5_000, sentAt);
    const { headers, body } = received.at(-1)!;
    expect(headers["x-signature"]).toBe(`sha256=${hmac(body)}`);
    expect(headers["x-webhook-timestamp"]).toBe(String(sentAt / 1000));
    expect(headers["x-webhook-signature"]).toBe(`t=${sentAt / 1000},sha256=${hmac(`${sentAt / 1000}.${body}`)}`);
    expect([headers["x-notification-id"], headers["x-correlation-id"]]).toEqual(["nt_1", "req-1"]);
    expect(JSON.parse(body)).toMatchObject({ id: "nt_1", event: "RideCancelled", rideId: "rd_1" });
  });

  it("lets a receiver refuse a replay: the same POST later is too old, and a fresher time breaks the signature", async () => {
    const sentAt = Date.parse("2026-12-06T10:00:00Z");
    await postWebhook(url, SECRET, delivery, 5_000, sentAt);
    const { headers, body } = received.at(-1)!;
    expect(receiverAccepts(headers, body, sentAt / 1000 + 10)).toBe(true);
    // Replayed ten minutes later, as captured: its time is too old.
    expect(receiverAccepts(headers, body, sentAt / 1000 + 600)).toBe(false);
    // With its time made fresh, the signature no longer matches.
    const fresh = String(sentAt / 1000 + 600);
    const forged = { ...headers, "x-webhook-timestamp": fresh, "x-webhook-signature": String(headers["x-webhook-signature"]).replace(/^t=\d+/, `t=${fresh}`) };
    expect(receiverAccepts(forged, body, sentAt / 1000 + 600)).toBe(false);
    // The contract's signature alone would have let the replay through.
    expect(headers["x-signature"]).toBe(`sha256=${hmac(body)}`);
  });

  it("a retry is signed afresh under the same notification id", async () => {
    const first = Date.parse("2026-12-06T10:00:00Z");
    await postWebhook(url, SECRET, delivery, 5_000, first);
    await postWebhook(url, SECRET, delivery, 5_000, first + 30_000);
    const [a, b] = received.slice(-2);
    expect(a!.headers["x-notification-id"]).toBe(b!.headers["x-notification-id"]);
    expect(Number(b!.headers["x-webhook-timestamp"]) - Number(a!.headers["x-webhook-timestamp"])).toBe(30);
    expect(receiverAccepts(b!.headers, b!.body, first / 1000 + 40)).toBe(true);
  });

  it("sends no signature without a secret", async () => {
    await postWebhook(url, undefined, delivery, 5_000);
    const { headers } = received.at(-1)!;
    expect([headers["x-signature"], headers["x-webhook-signature"], headers["x-webhook-timestamp"]]).toEqual([undefined, undefined, undefined]);
  });
});
