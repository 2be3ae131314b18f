/**
 * The views' dead letters over the real views migrations in Node's SQLite: the replayed ones go
 * once the window passed them, the open ones stay; the operators' list reads by its index.
 */
import { describe, expect, it } from "vitest";
import { queryPlan, sqliteD1, type D1Like, type D1LikeStatement } from "../../test/support/sqlite-d1";
import { listDeadLetters, PRUNE_REPLAYED, pruneReplayedLetters } from "./dead-letters";

const asD1 = (db: D1Like) => db as unknown as D1Database;
const put = (db: D1Like, id: string, receivedAt: string, replayedAt: string | null) =>
  db
    .prepare("INSERT INTO view_dead_letters (id, body, reason, attempts, received_at, replayed_at) VALUES (?1, '{}', 'queue gave up', 10, ?2, ?3)")
    .bind(id, receivedAt, replayedAt)
    .run();

/** The statements `db` is asked to run, with their values. */
function recording(db: D1Like) {
  const ran: { sql: string; params: unknown[] }[] = [];
  const spy: D1Like = {
    ...db,
    prepare: (sql: string) => {
      const statement = db.prepare(sql);
      return {
        ...statement,
        bind: (...params: unknown[]): D1LikeStatement => {
          ran.push({ sql, params });
          return statement.bind(...params);
        },
      };
    },
  };
  return { spy, ran };
}

describe("the views' dead letters", () => {
  it("the letters replayed before the cut-off go, at most the limit a run; open ones and those replayed since stay", async () => {
    const db = await sqliteD1("migrations/views");
    await put(db, "old-open", "2026-09-01T00:00:00.000Z", null);
    for (let i = 0; i < 3; i++) await put(db, `old-replayed-${i}`, "2026-09-01T00:00:00.000Z", `2026-09-0${i + 2}T00:00:00.000Z`);
    await put(db, "recent-replayed", "2026-09-01T00:00:00.000Z", "2026-11-30T00:00:00.000Z");
    const cutoff = new Date("2026-11-01T00:00:00.000Z");
    expect(await pruneReplayedLetters(asD1(db), cutoff, 2)).toBe(2);
    expect(await pruneReplayedLetters(asD1(db), cutoff, 2)).toBe(1);
    expect(await pruneReplayedLetters(asD1(db), cutoff, 2)).toBe(0);
    const left = await db.prepare("SELECT id FROM view_dead_letters ORDER BY id").all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual(["old-open", "recent-replayed"]);
    expect(await queryPlan(db, PRUNE_REPLAYED, [cutoff.toISOString(), 500])).toMatch(
      /SEARCH view_dead_letters USING COVERING INDEX view_dead_letters_open \(replayed_at<\?\)/,
    );
  });

  it("the operators' list, newest first: all of it by the time index, never a sort of the whole table; the open ones by their own", async () => {
    const db = await sqliteD1("migrations/views");
    for (let i = 0; i < 5; i++) await put(db, `l${i}`, `2026-12-0${i + 1}T00:00:00.000Z`, i === 3 ? "2026-12-06T00:00:00.000Z" : null);
    const { spy, ran } = recording(db);
    const open = await listDeadLetters(asD1(spy), { open: true, limit: 2 });
    expect(open.items.map((l) => l.id)).toEqual(["l4", "l2"]);
    const next = await listDeadLetters(asD1(spy), { open: true, limit: 2, after: open.last });
    expect(next.items.map((l) => l.id)).toEqual(["l1", "l0"]);
    const all = await listDeadLetters(asD1(spy), { limit: 10 });
    expect(all.items.map((l) => l.id)).toEqual(["l4", "l3", "l2", "l1", "l0"]);
    expect(ran).toHaveLength(3);
    // The open ones (an operator's backlog) by their own index, then sorted; all of them in time order, by the time index.
    const [openPlan, nextPlan, allPlan] = await Promise.all(ran.map(({ sql, params }) => queryPlan(db, sql, params)));
    for (const plan of [openPlan, nextPlan]) expect(plan).toMatch(/SEARCH view_dead_letters USING INDEX view_dead_letters_open \(replayed_at=\?\)/);
    expect(allPlan).toMatch(/SCAN view_dead_letters USING INDEX view_dead_letters_received/);
    expect(allPlan).not.toMatch(/TEMP B-TREE/);
  });
});
