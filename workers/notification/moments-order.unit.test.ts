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

const T0 = Date.parse("2026-12-06T10:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ride = record("driver_assigned", "authorized", { driver: true }).ride;

/** The rider's notice of `type` at `version`, the event made `s` seconds after T0. */
const notice = (type: string, version: number, s: number): NotificationMessage => ({
  kind: "ride.notification",
  event: { id: `ev_${type}_${version}`, type, version, occurredAt: at(s), correlationId: "c", causationId: null, data: {}, rideId: ride.id } as DomainEvent,
  ride,
  locale: "en",
});

let log: DeliveryLog;
let sent: string[];
/** The webhook: down while `down` holds. */
let down: boolean;
const run = (messages: NotificationMessage[], s: number) =>
  handleNotifications(messages, {
    log,
    channels: [
      {
        name: "webhook",
        accepts: async () => true,
        send: async (d) => {
          if (down) throw new Error("webhook down");
          sent.push(d.eventId);
        },
      } satisfies Channel,
    ],
    maxAttempts: 5,
    render: { receiptUrl: (id: string) => id },
    deadLetter: async () => undefined,
    now: () => T0 + s * 1000,
  });

beforeEach(async () => {
  log = new DeliveryLog((await sqliteD1("migrations/notifications")) as unknown as D1Database);
  sent = [];
  down = false;
});

describe("a moment's notice retried after a later moment was told", () => {
  it("Kim's assignment, retried after Kim backed out and Lee was assigned, is not sent: Lee's was the later news", async () => {
    down = true;
    expect((await run([notice("DriverAssigned", 5, 0)], 1))[0]).toMatchObject({ retrying: 1 });
    down = false;
    await run([notice("DriverUnassigned", 6, 20), notice("DriverAssigned", 8, 25)], 26);
    const [retried] = await run([notice("DriverAssigned", 5, 0)], 40);
    expect(retried).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_DriverUnassigned_6", "ev_DriverAssigned_8"]);
  });

  it("'another driver is being found', retried after the next driver's assignment was told, is not sent", async () => {
    down = true;
    await run([notice("DriverUnassigned", 6, 0)], 1);
    down = false;
    await run([notice("DriverAssigned", 8, 5)], 6);
    expect((await run([notice("DriverUnassigned", 6, 0)], 30))[0]).toMatchObject({ sent: 0, failed: 1 });
    expect(sent).toEqual(["ev_DriverAssigned_8"]);
  });

  it("an earlier moment told does not stop a later one retried: Lee's assignment still goes out after Kim's", async () => {
    await run([notice("DriverAssigned", 5, 0), notice("DriverUnassigned", 6, 20)], 21);
    down = true;
    await run([notice("DriverAssigned", 8, 25)], 26);
    down = false;
    expect((await run([notice("DriverAssigned", 8, 25)], 60))[0]).toMatchObject({ sent: 1 });
    expect(sent).toEqual(["ev_DriverAssigned_5", "ev_DriverUnassigned_6", "ev_DriverAssigned_8"]);
  });
});
