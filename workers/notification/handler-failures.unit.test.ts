/**
 * A consumer run of notifications when part of it fails (workers/notification/handler.ts): a message
 * it cannot render, a delivery log that refuses the run's outcomes. Only the message at fault is held
 * back; nobody is told twice because another message failed.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Channel, Delivery } from "./channels";
import type { DeliveryLog, DeliveryOutcome } from "./delivery-log";
import { keyIssued } from "./fixtures";
import { handleNotifications } from "./handler";

/** A log with nothing stored that refuses any write naming `refused` (an event id), or every write while `down`. */
function refusingLog(refused: string | null, down = { batches: 0 }) {
  const recorded: DeliveryOutcome[] = [];
  const log = {
    lookUp: async () => new Map(),
    recordAll: async (outcomes: DeliveryOutcome[]) => {
      if (down.batches > 0) {
        down.batches -= 1;
        throw new Error("D1_ERROR: overloaded");
      }
      if (outcomes.some((o) => o.delivery.eventId === refused)) throw new Error("NOT NULL constraint failed");
      recorded.push(...outcomes);
    },
  } as unknown as DeliveryLog;
  return { log, recorded };
}

const deps = (log: DeliveryLog, send: Channel["send"]) => ({
  log,
  channels: [{ name: "webhook", accepts: async () => true, send } satisfies Channel],
  maxAttempts: 3,
  render: { receiptUrl: (id: string) => id },
  deadLetter: async () => undefined,
});

afterEach(() => vi.restoreAllMocks());

describe("a run of notifications, part of it failing", () => {
  it("a message it cannot render is retried alone; the others are sent and recorded", async () => {
    const { log, recorded } = refusingLog(null);
    const sent: Delivery[] = [];
    const summaries = await handleNotifications(
      [keyIssued("a"), keyIssued("broken", "fr"), keyIssued("c")],
      deps(log, async (d) => void sent.push(d)),
    );
    expect(sent.map((d) => d.rideId)).toEqual(["a", "c"]);
    expect(summaries.map((s) => [s.sent, s.retrying])).toEqual([
      [1, 0],
      [0, 1],
      [1, 0],
    ]);
    expect(summaries[1]?.lastError).toMatch(/^unreadable message: /);
    expect(recorded.map((o) => o.delivery.rideId)).toEqual(["a", "c"]);
  });

  it("a ride's message whose event lacks its data (a PaymentFailed whose fee cannot be read) is retried alone, the run not thrown", async () => {
    const { log } = refusingLog(null);
    const sent: Delivery[] = [];
    const broken = { kind: "ride.notification", event: { id: "ev_x", type: "PaymentFailed", version: 9 }, ride: { id: "rd_x" }, locale: "en" } as never;
    const summaries = await handleNotifications(
      [keyIssued("a"), broken],
      deps(log, async (d) => void sent.push(d)),
    );
    expect(sent.map((d) => d.rideId)).toEqual(["a"]);
    expect(summaries.map((s) => [s.sent, s.retrying])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(summaries[1]?.lastError).toMatch(/^unreadable message: /);
  });

  it("outcomes the log refuses in one batch are recorded message by message; one it still refuses, all sent, is acked and logged, not sent again", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { log, recorded } = refusingLog("ev_b");
    const summaries = await handleNotifications(
      [keyIssued("a"), keyIssued("b"), keyIssued("c")],
      deps(log, async () => undefined),
    );
    expect(
      summaries.map((s) => s.retrying),
      "every message acked: each told once",
    ).toEqual([0, 0, 0]);
    expect(recorded.map((o) => o.delivery.rideId)).toEqual(["a", "c"]);
    expect(errors.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; eventId: string })).toMatchObject([
      { msg: "notification sent, not logged", eventId: "ev_b" },
    ]);
  });

  it("a log down a moment takes the outcomes message by message; one with a delivery to retry is retried, saying why", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { log, recorded } = refusingLog("ev_b", { batches: 1 });
    let calls = 0;
    const summaries = await handleNotifications(
      [keyIssued("a"), keyIssued("b")],
      deps(log, async (d) => {
        calls += 1;
        if (d.rideId === "b") throw new Error("webhook answered 503");
      }),
    );
    expect(calls).toBe(2);
    expect(recorded.map((o) => o.delivery.rideId)).toEqual(["a"]);
    expect(summaries.map((s) => s.retrying)).toEqual([0, 1]);
    expect(summaries[1]?.lastError).toMatch(/^not recorded: .*NOT NULL/);
  });
});
