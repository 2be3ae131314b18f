/**
 * The live channel through the notification run: a push that reached no socket is not `sent`.
 */
import { describe, expect, it } from "vitest";
import { payoutNotice } from "../gateway/payout-notices";
import type { DeliveryLog, DeliveryOutcome } from "./delivery-log";
import { handleNotifications } from "./handler";
import { liveChannel } from "./live-channel";

const notice = payoutNotice(
  {
    id: "po_live",
    driverId: "d7",
    amount: { amount: 50_000, currency: "KRW" },
    cutoff: "2026-12-01T00:00:00.000Z",
    status: "succeeded",
    answeredAt: "2026-12-01T00:05:00.000Z",
  },
  "c",
);

/** A Driver namespace whose object has `sockets` open: `notify` answers how many it pushed to. */
function drivers(sockets: number) {
  const pushed: string[] = [];
  const ns = {
    idFromName: (name: string) => name,
    get: (id: string) => ({
      notify: async (payload: { id: string }) => {
        if (sockets > 0) pushed.push(`${id}:${payload.id}`);
        return sockets;
      },
    }),
  };
  return { env: { DRIVER: ns } as unknown as Pick<NotificationEnv, "DRIVER">, pushed };
}

function run(sockets: number) {
  const recorded: DeliveryOutcome[] = [];
  const dead: string[] = [];
  const log = { lookUp: async () => new Map(), recordAll: async (o: DeliveryOutcome[]) => void recorded.push(...o) } as unknown as DeliveryLog;
  const { env, pushed } = drivers(sockets);
  const deps = {
    log,
    channels: [liveChannel(env)],
    maxAttempts: 3,
    render: { receiptUrl: (id: string) => id },
    deadLetter: async (_m: unknown, reason: string) => void dead.push(reason),
  };
  return { go: () => handleNotifications([notice], deps), recorded, dead, pushed };
}

describe("the live channel", () => {
  it("a driver with no socket open is not reached: failed at once with why, not retried, no dead letter", async () => {
    const { go, recorded, dead, pushed } = run(0);
    expect((await go())[0]).toMatchObject({ sent: 0, failed: 1, retrying: 0 });
    expect(recorded).toEqual([expect.objectContaining({ sent: false, final: true, error: "not delivered: no open socket" })]);
    expect(dead).toEqual([]);
    expect(pushed).toEqual([]);
  });

  it("a driver with a socket open is sent the notice", async () => {
    const { go, recorded, pushed } = run(2);
    expect((await go())[0]).toMatchObject({ sent: 1, failed: 0 });
    expect(recorded).toEqual([expect.objectContaining({ sent: true })]);
    expect(pushed).toHaveLength(1);
  });
});
