/**
 * A consumer run's channels side by side: a webhook that hangs for its bound does not hold back
 * the driver's push, and a delivery is judged (an offer's expiry) when it goes out, not when the
 * run began.
 */
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import type { Channel, Delivery } from "./channels";
import { keyOf, type DeliveryKey, type DeliveryLog, type DeliveryOutcome } from "./delivery-log";
import { handleNotifications } from "./handler";

function memoryLog() {
  const recorded: DeliveryOutcome[] = [];
  const log = {
    lookUp: async (_keys: DeliveryKey[]) => new Map<string, never>(),
    recordAll: async (outcomes: DeliveryOutcome[]) => void recorded.push(...outcomes),
    sentOf: async () => new Map<string, number | null>(),
  } as unknown as DeliveryLog;
  return { log, recorded };
}

/** A run's dependencies: `channels` and the clock, no dead letters kept. */
const depsOf = (log: DeliveryLog, channels: Channel[], now: () => number) => ({
  log,
  channels,
  maxAttempts: 3,
  render: { receiptUrl: (id: string) => id },
  deadLetter: async () => undefined,
  now,
});

const ride = record("dispatching", "authorized").ride;
const offered = (id: string, expiresAt: string) => ({
  kind: "ride.notification" as const,
  event: {
    id,
    type: "DriverOffered",
    version: 3,
    occurredAt: "2026-12-05T10:59:50Z",
    correlationId: "c",
    causationId: null,
    data: { driverId: "d1", expiresAt },
    rideId: ride.id,
  } as DomainEvent,
  ride,
  locale: "en" as const,
});

describe("a consumer run's channels", () => {
  it("each send their own deliveries in order, side by side: a hung webhook holds back no push", async () => {
    const { log, recorded } = memoryLog();
    const order: string[] = [];
    let release = () => undefined as void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const channels: Channel[] = [
      { name: "webhook", accepts: async () => true, send: async (d: Delivery) => (order.push(`webhook ${d.eventId} start`), await hung) },
      { name: "live", accepts: async () => true, send: async (d: Delivery) => void order.push(`live ${d.eventId}`) },
    ];
    const now = Date.parse("2026-12-05T11:00:00Z");
    const run = handleNotifications(
      [offered("ev_1", "2026-12-05T11:00:10Z"), offered("ev_2", "2026-12-05T11:00:10Z")],
      depsOf(log, channels, () => now),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order, "both pushes out while the webhook hangs on its first").toEqual(["webhook ev_1 start", "live ev_1", "live ev_2"]);
    release();
    const summaries = await run;
    expect(order).toEqual(["webhook ev_1 start", "live ev_1", "live ev_2", "webhook ev_2 start"]);
    expect(summaries.map((s) => s.sent)).toEqual([2, 2]);
    expect(recorded.filter((o) => o.sent)).toHaveLength(4);
  });

  it("judge a delivery when it goes out: an offer whose expiry passed while its lane's send before it hung is failed as too late, not pushed", async () => {
    const { log, recorded } = memoryLog();
    const pushed: string[] = [];
    let now = Date.parse("2026-12-05T11:00:00Z");
    const channels: Channel[] = [
      {
        name: "live",
        accepts: async () => true,
        send: async (d: Delivery) => {
          pushed.push(d.eventId);
          now += 10_000; // the send took its whole bound
        },
      },
    ];
    const summaries = await handleNotifications(
      [offered("ev_first", "2026-12-05T11:00:30Z"), offered("ev_second", "2026-12-05T11:00:05Z")],
      depsOf(log, channels, () => now),
    );
    expect(pushed).toEqual(["ev_first"]);
    expect(summaries.map((s) => [s.sent, s.failed])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(recorded.find((o) => keyOf(o.delivery).includes("ev_second"))).toMatchObject({
      sent: false,
      error: expect.stringMatching(/^too late: the offer expired/),
    });
  });

  it("judge a moment against a later step of its ride ahead of it in the run on any channel, whichever lane finishes first", async () => {
    const { log, recorded } = memoryLog();
    const done = record("completed", "captured", { driver: true }).ride;
    const at = "2026-12-05T10:59:00Z";
    const event = (id: string, type: string, version: number) =>
      ({ id, type, version, occurredAt: at, correlationId: "c", causationId: null, data: {}, rideId: done.id }) as DomainEvent;
    const sent: string[] = [];
    let release = () => undefined as void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const channels: Channel[] = [
      // The completion's webhook is slow; its KakaoTalk message is refused: neither has gone out when the arrival is judged.
      {
        name: "webhook",
        accepts: async () => true,
        send: async (d: Delivery) => (d.eventId === "ev_done" ? await slow : undefined, void sent.push(`webhook ${d.eventId}`)),
      },
      {
        name: "kakao",
        accepts: async () => true,
        send: async (d: Delivery) => (d.eventId === "ev_done" ? Promise.reject(new Error("500")) : void sent.push(`kakao ${d.eventId}`)),
      },
    ];
    const run = handleNotifications(
      [
        { kind: "ride.notification", event: event("ev_done", "RideCompleted", 12), ride: done, locale: "en" },
        { kind: "ride.notification", event: event("ev_arrived", "DriverArrived", 9), ride: done, locale: "en" },
      ],
      depsOf(log, channels, () => Date.parse("2026-12-05T11:00:00Z")),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await run;
    expect(sent).toEqual(["webhook ev_done"]);
    const arrival = recorded.filter((o) => o.delivery.eventId === "ev_arrived");
    expect(arrival.map((o) => [o.delivery.channel, o.sent, !o.sent && o.error]).sort()).toEqual([
      ["kakao", false, "too late: RideCompleted was told already"],
      ["webhook", false, "too late: RideCompleted was told already"],
    ]);
  });

  it("let a no-show's cancellation give way to its fee's drop only once the drop went out on its own channel: a drop refused there stops nothing", async () => {
    const { log, recorded } = memoryLog();
    const arrived = record("driver_arrived", "authorized", { driver: true }).ride;
    const noShow = {
      ...arrived,
      status: "cancelled" as const,
      cancellation: { by: "driver" as const, reason: "rider_no_show" },
      fare: { amount: 3000, currency: "KRW" as const },
    };
    const event = (id: string, type: string, version: number, data: Record<string, unknown> = {}) =>
      ({ id, type, version, occurredAt: "2026-12-05T10:59:58Z", correlationId: "c", causationId: null, data, rideId: noShow.id }) as DomainEvent;
    const sent: string[] = [];
    const channels: Channel[] = [
      { name: "webhook", accepts: async () => true, send: async (d: Delivery) => void sent.push(`webhook ${d.eventId}`) },
      // KakaoTalk refuses the drop's template (a retry, not "not reachable"), and takes the cancellation.
      {
        name: "kakao",
        accepts: async () => true,
        send: async (d: Delivery) => (d.eventId === "ev_drop" ? Promise.reject(new Error("template refused")) : void sent.push(`kakao ${d.eventId}`)),
      },
    ];
    await handleNotifications(
      [
        { kind: "ride.notification", event: event("ev_drop", "PaymentFailed", 11, { reason: "card_declined", fee: "dropped" }), ride: noShow, locale: "en" },
        { kind: "ride.notification", event: event("ev_cancel", "RideCancelled", 9), ride: noShow, locale: "en" },
      ],
      depsOf(log, channels, () => Date.parse("2026-12-05T11:00:00Z")),
    );
    expect(sent.sort()).toEqual(["kakao ev_cancel", "webhook ev_drop"]);
    const cancellation = recorded.filter((o) => o.delivery.eventId === "ev_cancel").map((o) => [o.delivery.channel, o.sent]);
    expect(cancellation.sort()).toEqual([
      ["kakao", true],
      ["webhook", false],
    ]);
  });
});
