/**
 * Replaying the views' dead letters over the real views migrations in Node's SQLite: letters
 * that keep failing never stand in front of the ones behind them, call after call.
 */
import { describe, expect, it } from "vitest";
import { sqliteD1, type D1Like } from "../../test/support/sqlite-d1";
import { REPLAY_PER_CALL, replayDeadLetters } from "./dead-letters";

const put = (db: D1Like, id: string, body: unknown) =>
  db
    .prepare("INSERT INTO view_dead_letters (id, body, reason, attempts, received_at) VALUES (?1, ?2, 'queue gave up', 10, '2026-12-01T00:00:00.000Z')")
    .bind(id, JSON.stringify(body))
    .run();
const driver = (id: string) => ({
  kind: "driver.event",
  event: { id: `ev_${id}` },
  driver: {
    id,
    name: "n",
    vehicle: { plate: "p", model: "m", product: "standard" },
    approval: "approved",
    status: "offline",
    location: null,
    locationAt: null,
  },
});

describe("replayDeadLetters", () => {
  it("a good letter behind more letters that keep failing than a call takes is replayed by the next call; none is tried twice in one call", async () => {
    const db = await sqliteD1("migrations/views");
    for (let i = 0; i < 6; i++) await put(db, `a${i}`, { kind: "nonsense" });
    await put(db, "b_good", { ...driver("d1"), driver: { ...driver("d1").driver, version: 3, createdAt: "x", updatedAt: "x" } });
    const d1 = db as unknown as D1Database;
    expect(await replayDeadLetters(d1, { max: 5 })).toEqual({ replayed: 0, failed: 5, more: true });
    // The next call: the letter no replay has failed yet first (a5, then b_good), then those that failed before.
    expect(await replayDeadLetters(d1, { max: 5 })).toEqual({ replayed: 1, failed: 4, more: true });
    expect(await db.prepare("SELECT replayed_at FROM view_dead_letters WHERE id = 'b_good'").first<string | null>("replayed_at")).not.toBeNull();
    expect(await db.prepare("SELECT count(*) AS n FROM drivers").first<number>("n")).toBe(1);
    expect(await replayDeadLetters(d1, { max: 10 })).toEqual({ replayed: 0, failed: 6, more: false });
  });

  it("a call takes at most REPLAY_PER_CALL letters (a Worker's D1 queries are bounded) and says more are left", async () => {
    const db = await sqliteD1("migrations/views");
    expect(REPLAY_PER_CALL * 6 + 10).toBeLessThan(1000);
    for (let i = 0; i < REPLAY_PER_CALL + 3; i++)
      await put(db, `l${String(i).padStart(3, "0")}`, {
        ...driver(`d${i}`),
        driver: { ...driver(`d${i}`).driver, version: 1, createdAt: "x", updatedAt: "x" },
      });
    const d1 = db as unknown as D1Database;
    expect(await replayDeadLetters(d1)).toEqual({ replayed: REPLAY_PER_CALL, failed: 0, more: true });
    expect(await replayDeadLetters(d1)).toEqual({ replayed: 3, failed: 0, more: false });
  });
});
