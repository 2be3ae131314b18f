import { beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import { keepLetter } from "./dead-letters.fixture";
import { listNotificationDeadLetters } from "./dead-letters";
import { replayNotificationDeadLetters } from "./replay";

let db: D1Database;
let sent: unknown[][];
const send = async (bodies: unknown[]) => void sent.push(bodies);
const letter = (id: string, rideId: string, eventId: string, receivedAt: string, body?: unknown) => keepLetter(db, { id, rideId, eventId, receivedAt, body });
beforeEach(async () => {
  db = (await sqliteD1("migrations/notifications")) as unknown as D1Database;
  sent = [];
});

describe("listing notification dead letters", () => {
  it("newest first, paged, with what each is about; open only those not replayed", async () => {
    await letter("m1", "rd_1", "ev_1", "2026-12-01T10:00:00Z");
    await letter("m2", "", "ev_2", "2026-12-01T10:01:00Z", { kind: "driver.notification", event: { id: "ev_2", type: "DriverApproved" } });
    await letter("m3", "po_1", "ev_3", "2026-12-01T10:01:00Z", { kind: "payout.notification", event: { id: "ev_3", type: "PayoutSent" } });
    const first = await listNotificationDeadLetters(db, { limit: 2 });
    expect(first.items.map((l) => [l.id, l.kind, l.eventType, l.subjectId])).toEqual([
      ["m3", "payout.notification", "PayoutSent", "po_1"],
      ["m2", "driver.notification", "DriverApproved", null],
    ]);
    const second = await listNotificationDeadLetters(db, { limit: 2, after: first.last });
    expect(second.items.map((l) => l.id)).toEqual(["m1"]);
    expect(second.last).toBeNull();
    await replayNotificationDeadLetters(db, send, { ids: ["m3"], now: new Date("2026-12-02T00:00:00Z") });
    expect((await listNotificationDeadLetters(db, { open: true, limit: 10 })).items.map((l) => l.id)).toEqual(["m2", "m1"]);
    expect((await listNotificationDeadLetters(db, { limit: 10 })).items[0]).toMatchObject({ id: "m3", replayedAt: expect.any(String) });
  });
});
