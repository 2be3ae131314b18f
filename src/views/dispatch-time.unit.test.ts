/**
 * The ride's dispatch time in the views (`rides.dispatch_ms`, what the operators' figures read):
 * the first assignment's, over the real views migrations in Node's SQLite, whatever order the
 * assignments' messages arrive in (a first one retried, or replayed from the dead letters, after
 * a re-dispatch's).
 */
import { describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1";
import type { DomainEvent } from "../domain/events";
import { record } from "../domain/ride/fixtures";
import { project } from "./projection";

const createdAt = "2026-11-21T10:00:00.000Z";
const assigned = (version: number, afterS: number): DomainEvent => ({
  id: `ev_assigned_${version}`,
  type: "DriverAssigned",
  rideId: "rd_t",
  version,
  occurredAt: new Date(Date.parse(createdAt) + afterS * 1000).toISOString(),
  correlationId: "c",
  causationId: null,
  data: {},
});
const rideAt = (version: number) => ({ ...record("driver_assigned", "authorized", { driver: true }).ride, id: "rd_t", createdAt, version });

describe("the dispatch time the views keep", () => {
  it("is the first assignment's, in either order of arrival", async () => {
    for (const order of [
      [4, 9],
      [9, 4],
    ]) {
      const db = await sqliteD1("migrations/views");
      const d1 = db as unknown as D1Database;
      for (const version of order) await project(d1, [{ kind: "ride.event", event: assigned(version, version === 4 ? 10 : 90), ride: rideAt(version) }]);
      expect(await db.prepare("SELECT dispatch_ms FROM rides WHERE id = 'rd_t'").first<number>("dispatch_ms"), order.join(" then ")).toBe(10_000);
    }
  });
});
