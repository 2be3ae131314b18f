/**
 * A moment's notice retried after a later one of the same kind went out, over the real delivery
 * log (Node's SQLite, the notification database's migrations): the rider told "Lee is on the way"
 * must not then be told "Kim is on the way" by Kim's assignment, retried late.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { DomainEvent, NotificationMessage } from "../../src/domain/events";
import { record } from "../../src/domain/ride/fixtures";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import type { Channel } from "./channels";
import { DeliveryLog } from "./delivery-log";
import { handleNotifications } from "./handler";
import type { IncomingNotification } from "./notices";

const T0 = Date.parse("2026-12-06T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ride = record("driver_assigned", "authorized", { driver: true }).ride;

/** The rider's notice of `type` at `version`, the event made `s` seconds after T0, of `about` (the ride, assigned). */
const notice = (type: string, version: number, s: number, about = ride, data: Record<string, unknown> = {}): NotificationMessage => ({
  kind: "ride.notification",
  event: { id: `ev_${type}_${version}`, type, version, occurredAt: at(s), correlationId: "c", causationId: null, data, rideId: about.id } as DomainEvent,
  ride: about,
  locale: "en",
});

let log: DeliveryLog;
/** The event ids sent, in order (a KakaoTalk send as `kakao:<id>`). */
let sent: string[];
/** The texts sent, in order. */
let texts: string[];
/** The channels down. */
let down: Set<string>;
/** A channel that fails while `down` has it. */
const channel = (name: "webhook" | "kakao"): Channel => ({
  name,
  accepts: async () => true,
  send: async (d) => {
    if (down.has(name)) throw new Error(`${name} down`);
    sent.push(name === "webhook" ? d.eventId : `${name}:${d.eventId}`);
    texts.push(d.texts.en);
  },
});
const run = (messages: IncomingNotification[], s: number, channels: ("webhook" | "kakao")[] = ["webhook"]) =>
  handleNotifications(messages, {
    log,
    channels: channels.map(channel),
    maxAttempts: 5,
    render: { receiptUrl: (id: string) => id },
    deadLetter: async () => undefined,
    now: () => T0 + s * 1000,
  });

beforeEach(async () => {
  log = new DeliveryLog((await sqliteD1("migrations/notifications")) as unknown as D1Database);
  sent = [];
  texts = [];
  down = new Set();
});

describe("a moment's notice retried after a later moment was told", () => {
  it("Kim's assignment, retried after Kim backed out and Lee was assigned, is not sent: Lee's was the later news", async () => {
    down.add("webhook");
    expect((await run([notice("DriverAssigned", 5, 0)], 1))[0]).toMatchObject({ retrying: 1 });
    down.delete("webhook");
    await run([notice("DriverUnassigned", 6, 20), notice("DriverAssigned", 8, 25)], 26);
    const [retried] = await run([notice("DriverAssigned", 5, 0)], 40);
    expect(retried).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_DriverUnassigned_6", "ev_DriverAssigned_8"]);
  });

  it("'another driver is being found', retried after the next driver's assignment was told, is not sent", async () => {
    down.add("webhook");
    await run([notice("DriverUnassigned", 6, 0)], 1);
    down.delete("webhook");
    await run([notice("DriverAssigned", 8, 5)], 6);
    expect((await run([notice("DriverUnassigned", 6, 0)], 30))[0]).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_DriverAssigned_8"]);
  });

  it("'another driver is being found', retried two seconds on (the queue's first back-off) after the next assignment went out, is not sent", async () => {
    down.add("webhook");
    await run([notice("DriverUnassigned", 6, 0)], 0);
    down.delete("webhook");
    await run([notice("DriverAssigned", 8, 1)], 1);
    // Two seconds old: young enough to pass for in order, but tried before.
    expect((await run([notice("DriverUnassigned", 6, 0)], 2))[0]).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_DriverAssigned_8"]);
    // A first try as young is still sent without asking (the common case pays no read).
    await run([notice("DriverArrived", 9, 3)], 4);
    expect(sent.at(-1)).toBe("ev_DriverArrived_9");
  });

  it.each([
    ["40 s late: old enough to ask the log", 25, 40],
    ["within seconds: however young", 1, 2],
  ])("retried into the same run as the later news, after it, %s: not sent (what the run tells ahead of it counts as told)", async (_, leeAt, runAt) => {
    down.add("webhook");
    await run([notice("DriverAssigned", 5, 0)], 0);
    down.delete("webhook");
    const [lee, kim] = await run([notice("DriverAssigned", 8, leeAt), notice("DriverAssigned", 5, 0)], runAt);
    expect([lee, kim]).toMatchObject([{ sent: 1 }, { sent: 0, failed: 1 }]);
    expect(sent).toEqual(["ev_DriverAssigned_8"]);
  });

  it("in one run in their own order, both go out, in order", async () => {
    await run([notice("DriverAssigned", 5, 0), notice("DriverAssigned", 8, 1)], 2);
    expect(sent).toEqual(["ev_DriverAssigned_5", "ev_DriverAssigned_8"]);
  });

  it("an earlier moment told does not stop a later one retried: Lee's assignment still goes out after Kim's", async () => {
    await run([notice("DriverAssigned", 5, 0), notice("DriverUnassigned", 6, 20)], 21);
    down.add("webhook");
    await run([notice("DriverAssigned", 8, 25)], 26);
    down.delete("webhook");
    expect((await run([notice("DriverAssigned", 8, 25)], 60))[0]).toMatchObject({ sent: 1 });
    expect(sent).toEqual(["ev_DriverAssigned_5", "ev_DriverUnassigned_6", "ev_DriverAssigned_8"]);
  });
});

describe("a cancellation retried after its no-show fee was dropped", () => {
  const noShow = {
    ...record("cancelled", "failed").ride,
    cancellation: { by: "driver" as const, reason: "rider_no_show" },
    fare: { amount: 3000, currency: "KRW" as const },
  };

  it("is not sent: the rider's last word is that the fee is dropped, which told the cancellation again", async () => {
    down.add("webhook");
    await run([notice("RideCancelled", 9, 0, noShow)], 1);
    down.delete("webhook");
    await run([notice("PaymentFailed", 11, 15, noShow, { reason: "card_declined", fee: "dropped" })], 16);
    const [retried] = await run([notice("RideCancelled", 9, 0, noShow)], 45);
    expect(retried).toMatchObject({ sent: 0, failed: 1 });
    expect(texts).toEqual([expect.stringMatching(/^Your ride was cancelled\. .* The no-show fee could not be charged and will not be/)]);
  });

  it("retried within seconds, as a refused send is (2 s, then 4 s), after the drop went out: not sent either", async () => {
    down.add("webhook");
    await run([notice("RideCancelled", 9, 0, noShow)], 0);
    down.delete("webhook");
    await run([notice("PaymentFailed", 11, 1, noShow, { reason: "card_declined", fee: "dropped" })], 1);
    expect((await run([notice("RideCancelled", 9, 0, noShow)], 2))[0]).toMatchObject({ sent: 0, failed: 1 });
    expect(texts).toEqual([expect.stringContaining("will not be")]);
  });

  it("the drop sent on one channel does not stop the cancellation on another, which did not carry the drop", async () => {
    down.add("kakao");
    await run([notice("RideCancelled", 9, 0, noShow)], 1, ["webhook", "kakao"]);
    // The webhook got the cancellation and then the drop; KakaoTalk got neither, and its drop is still retrying.
    await run([notice("PaymentFailed", 11, 15, noShow, { reason: "card_declined", fee: "dropped" })], 16, ["webhook", "kakao"]);
    down.delete("kakao");
    const [retried] = await run([notice("RideCancelled", 9, 0, noShow)], 45, ["webhook", "kakao"]);
    expect(retried).toMatchObject({ sent: 1, duplicate: 1 });
    expect(sent).toEqual(["ev_RideCancelled_9", "ev_PaymentFailed_11", "kakao:ev_RideCancelled_9"]);
  });

  it("in one run with the drop, after it: not sent; before it: both go out, in order", async () => {
    down.add("webhook");
    await run([notice("RideCancelled", 9, 0, noShow)], 0);
    down.delete("webhook");
    const drop = notice("PaymentFailed", 11, 1, noShow, { reason: "card_declined", fee: "dropped" });
    const [dropped, cancelled] = await run([drop, notice("RideCancelled", 9, 0, noShow)], 2);
    expect([dropped, cancelled]).toMatchObject([{ sent: 1 }, { sent: 0, failed: 1 }]);
    expect(texts).toEqual([expect.stringContaining("will not be")]);

    texts = [];
    const other = { ...noShow, id: "rd_other0000000000000000" };
    await run([notice("RideCancelled", 9, 0, other), notice("PaymentFailed", 11, 1, other, { reason: "card_declined", fee: "dropped" })], 2);
    expect(texts).toEqual([expect.stringContaining("A no-show fee of KRW 3,000 will be charged."), expect.stringContaining("will not be")]);
  });

  it("sent before the drop, both go out, in order", async () => {
    await run([notice("RideCancelled", 9, 0, noShow)], 1);
    await run([notice("PaymentFailed", 11, 15, noShow, { reason: "card_declined", fee: "dropped" })], 16);
    expect(texts).toEqual([expect.stringContaining("A no-show fee of KRW 3,000 will be charged."), expect.stringContaining("will not be")]);
  });
});

describe("a rental's notice retried after its ending was told", () => {
  const rental = {
    id: "rn_1",
    riderId: "r1",
    vehicleId: "rv_1",
    hours: 2,
    price: { amount: 4000, currency: "KRW" },
    unlockKey: null,
    payment: { status: "captured" },
  };
  const rentalNotice = (type: string, version: number, s: number): IncomingNotification =>
    ({
      kind: "rental.notification",
      event: { id: `ev_${type}_${version}`, type, version, occurredAt: at(s), correlationId: "c", causationId: null, data: {} },
      rental,
      locale: "en",
    }) as unknown as IncomingNotification;

  it("the unlock key's notice, retried after the rider cancelled, is not sent: it would send them to a vehicle it no longer opens", async () => {
    down.add("webhook");
    expect((await run([rentalNotice("RentalKeyIssued", 4, 0)], 0))[0]).toMatchObject({ retrying: 1 });
    down.delete("webhook");
    await run([rentalNotice("RentalCancelled", 6, 20)], 20);
    expect((await run([rentalNotice("RentalKeyIssued", 4, 0)], 30))[0]).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_RentalCancelled_6"]);
    // Another rental's key is no news to this one's ending.
    await run([{ ...rentalNotice("RentalKeyIssued", 4, 40), rental: { ...rental, id: "rn_2" } } as IncomingNotification], 41);
    expect(sent.at(-1)).toBe("ev_RentalKeyIssued_4");
  });
});
