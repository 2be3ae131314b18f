import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../src/domain/events";
import { deliveryId } from "../../src/notifications/delivery-id";
import type { Channel, Delivery } from "./channels";
import { keyOf, sentKey, type DeliveryKey, type DeliveryLog, type DeliveryOutcome } from "./delivery-log";
import { record } from "../../src/domain/ride/fixtures";
import { keyIssued } from "./fixtures";
import { handleNotifications } from "./handler";
import { noticesOf, subjectIdOf, type IncomingNotification } from "./notices";

/** A delivery log in memory that counts its round trips; `stored`: rows there already, by event id; `told`: the newest version of later news sent, by `sentKey`. */
function memoryLog(stored: Record<string, { status: string; attempts: number }> = {}, told: Record<string, number | null> = {}) {
  const calls = { lookUp: 0, recordAll: 0, sentOf: 0 };
  const recorded: DeliveryOutcome[] = [];
  const log = {
    lookUp: async (keys: DeliveryKey[]) => {
      calls.lookUp += 1;
      return new Map(keys.flatMap((k) => (stored[k.eventId] ? [[keyOf(k), { id: `nt_${k.eventId}_${k.channel}_rider`, ...k, ...stored[k.eventId] }]] : [])));
    },
    recordAll: async (outcomes: DeliveryOutcome[]) => {
      calls.recordAll += 1;
      recorded.push(...outcomes);
    },
    sentOf: async () => {
      calls.sentOf += 1;
      return new Map(Object.entries(told));
    },
  } as unknown as DeliveryLog;
  return { log, calls, recorded };
}

const depsWith = (log: DeliveryLog, send: Channel["send"], dead: string[] = []) => ({
  log,
  channels: [{ name: "webhook", accepts: async () => true, send } satisfies Channel],
  maxAttempts: 3,
  render: { receiptUrl: (id: string) => id },
  deadLetter: async (_m: unknown, reason: string) => void dead.push(reason),
});

describe("a consumer run's notifications", () => {
  it("looks every delivery up in one round trip and records every outcome in one, whatever the number of messages", async () => {
    const { log, calls, recorded } = memoryLog();
    const sent: Delivery[] = [];
    const summaries = await handleNotifications(
      [keyIssued("a"), keyIssued("b"), keyIssued("c")],
      depsWith(log, async (d) => void sent.push(d)),
    );
    expect(calls).toEqual({ lookUp: 1, recordAll: 1, sentOf: 0 });
    expect(summaries.map((s) => s.sent)).toEqual([1, 1, 1]);
    expect(sent.map((d) => d.rideId)).toEqual(["a", "b", "c"]);
    // The id each channel sends with is the one the log's list shows for the delivery.
    expect(sent.map((d) => d.id)).toEqual(["nt_ev_a_webhook_rider", "nt_ev_b_webhook_rider", "nt_ev_c_webhook_rider"]);
    expect(recorded.map((o) => deliveryId(o.delivery))).toEqual(sent.map((d) => d.id));
    expect(recorded.every((o) => o.sent)).toBe(true);
  });

  it("the same event twice in one run is delivered once; one already sent is not sent again", async () => {
    const { log } = memoryLog({ ev_old: { status: "sent", attempts: 1 } });
    const sent: Delivery[] = [];
    const summaries = await handleNotifications(
      [keyIssued("a"), keyIssued("a"), keyIssued("old")],
      depsWith(log, async (d) => void sent.push(d)),
    );
    expect(sent.map((d) => d.rideId)).toEqual(["a"]);
    expect(summaries.map((s) => [s.sent, s.duplicate])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
  });

  it("a failed send is retried with its message alone; on its last attempt it is failed for good and dead-lettered", async () => {
    const { log, recorded } = memoryLog({ ev_last: { status: "retrying", attempts: 2 } });
    const dead: string[] = [];
    const send: Channel["send"] = async (d) => {
      if (d.rideId !== "ok") throw new Error("sink down");
    };
    const summaries = await handleNotifications([keyIssued("ok"), keyIssued("again"), keyIssued("last")], depsWith(log, send, dead));
    expect(summaries.map((s) => [s.sent, s.retrying, s.failed])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(summaries[1]!.lastError).toMatch(/webhook: Error: sink down/);
    expect(recorded.map((o) => (o.sent ? "sent" : o.final ? "failed" : "retrying"))).toEqual(["sent", "retrying", "failed"]);
    expect(dead).toEqual([expect.stringMatching(/after 3 attempts/)]);
  });

  it("a delivery given up on is dead-lettered before it is marked failed; a letter the queue refused leaves it retrying, the rest of the run recorded", async () => {
    const { log, recorded } = memoryLog({ ev_last: { status: "retrying", attempts: 2 } });
    const order: string[] = [];
    const down = {
      ...depsWith(log, async (d) => {
        if (d.rideId === "last") throw new Error("sink down");
      }),
      deadLetter: async () => {
        order.push("letter");
        throw new Error("queue down");
      },
    };
    const summaries = await handleNotifications([keyIssued("ok"), keyIssued("last")], down);
    expect(order).toEqual(["letter"]);
    // Not marked failed (its message comes back and gives it up again); what was sent is recorded sent, not sent again by a retried run.
    expect(summaries.map((s) => [s.sent, s.failed, s.retrying])).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(summaries[1]!.lastError).toMatch(/dead letter not sent: Error: queue down/);
    expect(recorded.map((o) => (o.sent ? "sent" : o.final ? "failed" : "retrying"))).toEqual(["sent", "retrying"]);
    // The queue back: given up on, the letter first, then marked failed.
    const dead: string[] = [];
    const again = await handleNotifications(
      [keyIssued("last")],
      depsWith(log, async () => Promise.reject(new Error("sink down")), dead),
    );
    expect(again[0]).toMatchObject({ failed: 1 });
    expect(dead).toHaveLength(1);
  });

  it("a channel whose check cannot answer is still planned: its send fails and it alone retries, the others go out", async () => {
    const { log, recorded } = memoryLog();
    const sent: string[] = [];
    const deps = {
      ...depsWith(log, async () => void sent.push("webhook")),
      channels: [
        { name: "kakao", accepts: async () => Promise.reject(new Error("views database down")), send: async () => Promise.reject(new Error("no phone")) },
        { name: "webhook", accepts: async () => true, send: async () => void sent.push("webhook") },
      ] satisfies Channel[],
    };
    const summaries = await handleNotifications([keyIssued("a")], deps);
    expect(sent).toEqual(["webhook"]);
    expect(summaries[0]).toMatchObject({ sent: 1, retrying: 1 });
    expect(recorded.map((o) => [o.delivery.channel, o.sent]).sort()).toEqual([
      ["kakao", false],
      ["webhook", true],
    ]);
  });

  it("a moment's notice that is no longer news (an arrival an hour old, sent again after an outage) is failed as too late: not sent, no letter", async () => {
    const { log, recorded } = memoryLog();
    const sent: Delivery[] = [];
    const dead: string[] = [];
    const arrived = (id: string, occurredAt: string) => ({
      kind: "ride.notification" as const,
      event: { id, type: "DriverArrived", version: 4, occurredAt, correlationId: "c", causationId: null, data: {}, rideId: "rd_test" } as DomainEvent,
      ride: record("driver_arrived", "authorized", { driver: true }).ride,
      locale: "en" as const,
    });
    const now = Date.parse("2026-12-05T11:00:00Z");
    const deps = { ...depsWith(log, async (d) => void sent.push(d), dead), now: () => now };
    const summaries = await handleNotifications([arrived("ev_old", "2026-12-05T10:00:00Z"), arrived("ev_new", "2026-12-05T10:59:00Z")], deps);
    expect(summaries.map((s) => [s.sent, s.failed, s.retrying])).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(sent.map((d) => d.eventId)).toEqual(["ev_new"]);
    expect(dead).toEqual([]);
    expect(recorded.filter((o) => !o.sent).map((o) => !o.sent && o.error)).toEqual([expect.stringMatching(/^too late: a DriverArrived/)]);
  });

  it("an arrival's notice retried after the ride's end was told is old news: not sent; a young one is sent without asking the log", async () => {
    const ride = record("driver_arrived", "authorized", { driver: true }).ride;
    const { log, calls, recorded } = memoryLog({}, { [sentKey(ride.id, ride.riderId, "RideCompleted")]: null });
    const sent: Delivery[] = [];
    const arrived = (id: string, occurredAt: string) => ({
      kind: "ride.notification" as const,
      event: { id, type: "DriverArrived", version: 4, occurredAt, correlationId: "c", causationId: null, data: {} } as DomainEvent,
      ride,
      locale: "en" as const,
    });
    const now = Date.parse("2026-12-05T11:00:00Z");
    const deps = { ...depsWith(log, async (d) => void sent.push(d)), now: () => now };
    expect((await handleNotifications([arrived("ev_young", "2026-12-05T10:59:55Z")], deps))[0]).toMatchObject({ sent: 1 });
    expect(calls.sentOf, "in order: no second read").toBe(0);
    const summaries = await handleNotifications([arrived("ev_retried", "2026-12-05T10:58:00Z")], deps);
    expect([summaries[0]?.sent, summaries[0]?.failed, calls.sentOf]).toEqual([0, 1, 1]);
    expect(sent.map((d) => d.eventId)).toEqual(["ev_young"]);
    expect(recorded.filter((o) => !o.sent).map((o) => !o.sent && o.error)).toEqual(["too late: RideCompleted was told already"]);
  });

  it("a delivery log that cannot be reached fails the run (every message is retried), having sent nothing", async () => {
    const log = { lookUp: async () => Promise.reject(new Error("D1 down")), recordAll: async () => undefined } as unknown as DeliveryLog;
    const sent: Delivery[] = [];
    await expect(
      handleNotifications(
        [keyIssued("a")],
        depsWith(log, async (d) => void sent.push(d)),
      ),
    ).rejects.toThrow("D1 down");
    expect(sent).toEqual([]);
  });
});

describe("subjectIdOf", () => {
  it("names the rental, ride or payout a message is about, and nothing for a driver's decision or an unknown kind", () => {
    const event = keyIssued("x").event;
    expect(subjectIdOf(keyIssued("rn_1"))).toBe("rn_1");
    expect(subjectIdOf({ kind: "ride.notification", event, ride: { id: "rd_1" }, locale: "ko" } as unknown as IncomingNotification)).toBe("rd_1");
    expect(subjectIdOf({ kind: "payout.notification", event, payout: { id: "po_1" } } as unknown as IncomingNotification)).toBe("po_1");
    expect(subjectIdOf({ kind: "driver.notification", event, driver: { id: "d1" } } as unknown as IncomingNotification)).toBe("");
    // A newer sender's kind dead-lettered by this worker: filed under nothing rather than a guess.
    expect(subjectIdOf({ kind: "fleet.notification", event, ride: { id: "rd_2" } } as unknown as IncomingNotification)).toBe("");
  });

  it("files each notice of a message under that message's subject", async () => {
    const { log } = memoryLog();
    const sent: Delivery[] = [];
    const channel: Channel = { name: "live", accepts: async () => true, send: async (d) => void sent.push(d) };
    await handleNotifications([keyIssued("rn_9")], {
      log,
      channels: [channel],
      maxAttempts: 3,
      render: { receiptUrl: (id: string) => id },
      deadLetter: async () => undefined,
    });
    expect(sent.map((d) => d.rideId)).toEqual(["rn_9"]);
  });

  it("a driver's notice of a ride an operator cancelled carries who cancelled, not the operator's words; the rider's carries them", () => {
    const words = "the rider reported the driver";
    const base = record("cancelled", "voided", { driver: true });
    const ride = { ...base.ride, cancellation: { by: "ops" as const, reason: words } };
    const event = { ...keyIssued("x").event, type: "RideCancelled", data: { by: "ops", reason: words } } as DomainEvent;
    const notices = noticesOf({ kind: "ride.notification", event, ride, locale: "en" } as IncomingNotification, { receiptUrl: (id: string) => id });
    const byAudience = Object.fromEntries(notices.map((n) => [n.audience, n]));
    expect(Object.keys(byAudience).sort()).toEqual(["driver", "rider"]);
    expect((byAudience.driver!.ride as typeof ride).cancellation).toEqual({ by: "ops", reason: "ops_cancelled" });
    expect(JSON.stringify(byAudience.driver)).not.toContain(words);
    expect((byAudience.rider!.ride as typeof ride).cancellation).toEqual({ by: "ops", reason: words });
  });
});
