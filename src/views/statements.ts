/**
 * The SQL of the projection: each write of `writesOf` (src/views/projection.ts) as drizzle
 * statements over the views, with the version check on every snapshot row.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { Driver, RiderAccount } from "../domain/events";
import { coalesceWrites, type CoalescedWrites } from "./coalesce";
import type { EarningRow, ViewWrite } from "./projection";
import { watchedQuery } from "./ops-watch";
import { drivers, earnings, rentals, riderDues, rides } from "./schema";
import { rentalStatement, vehicleStatement } from "./rental-statements";

function rideStatements(db: DrizzleD1Database, { ride: r, dispatchMs, handoverSealed }: CoalescedWrites["rides"][number]): BatchItem<"sqlite">[] {
  const statements: BatchItem<"sqlite">[] = [
    db
      .insert(rides)
      .values({
        id: r.id,
        riderId: r.riderId,
        driverId: r.driver?.id ?? null,
        status: r.status,
        product: r.product,
        version: r.version,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        paymentStatus: r.payment.status,
        snapshot: JSON.stringify(r),
        handoverSealed,
      })
      .onConflictDoUpdate({
        target: rides.id,
        set: {
          driverId: sql`excluded.driver_id`,
          status: sql`excluded.status`,
          version: sql`excluded.version`,
          updatedAt: sql`excluded.updated_at`,
          paymentStatus: sql`excluded.payment_status`,
          snapshot: sql`excluded.snapshot`,
          // A message without it (an older gateway's, or a healing of before 2026-12-07) keeps the one a message gave.
          handoverSealed: sql`coalesce(excluded.handover_sealed, ${rides.handoverSealed})`,
        },
        setWhere: sql`excluded.version > ${rides.version}`,
      }),
  ];
  if (handoverSealed !== null) {
    // The code never changes, so a copy is kept whatever the message's version: the upsert above drops a message no newer than the
    // row (a replayed dead letter after the sweep or a rebuild wrote the ride's last version, an older healing's without a copy), and its copy with it.
    statements.push(
      db
        .update(rides)
        .set({ handoverSealed })
        .where(sql`${rides.id} = ${r.id} AND ${rides.handoverSealed} IS NULL`),
    );
  }
  if (dispatchMs !== null) {
    // The first assignment's time is kept: a re-dispatch does not rewrite it, whichever message came first (a later
    // assignment is later after the request, so the first is the least).
    statements.push(
      db
        .update(rides)
        .set({ dispatchMs: sql`min(coalesce(${rides.dispatchMs}, ${dispatchMs}), ${dispatchMs})` })
        .where(sql`${rides.id} = ${r.id}`),
    );
  }
  return statements;
}

/** The statement inserting an earnings row unless one with its id is there. */
export function earningStatement(db: DrizzleD1Database, row: EarningRow) {
  return db.insert(earnings).values(row).onConflictDoNothing();
}

function statementsOf(
  db: DrizzleD1Database,
  w: CoalescedWrites["others"][number] | { kind: "driver"; driver: Driver } | { kind: "rider"; rider: RiderAccount },
): BatchItem<"sqlite">[] {
  switch (w.kind) {
    case "earning":
      return [earningStatement(db, w.row)];
    // After the ride's own row in the batch (`applyWrites`), or the rental's (before it in `others`); the later version of each outcome is kept.
    case "refund": {
      const t = w.of === "ride" ? rides : rentals;
      return [
        db
          .update(t)
          .set(
            w.declined
              ? { refundDeclinedVersion: sql`max(coalesce(${t.refundDeclinedVersion}, 0), ${w.version})` }
              : { refundMadeVersion: sql`max(coalesce(${t.refundMadeVersion}, 0), ${w.version})` },
          )
          .where(sql`${t.id} = ${w.id}`),
      ];
    }
    case "rental":
      return [rentalStatement(db, w.rental)];
    case "rentalVehicle":
      return [vehicleStatement(db, w.vehicle)];
    case "driver": {
      const d = w.driver;
      return [
        db
          .insert(drivers)
          .values({
            id: d.id,
            name: d.name,
            status: d.status,
            approval: d.approval,
            product: d.vehicle.product,
            version: d.version,
            updatedAt: d.updatedAt,
            snapshot: JSON.stringify(d),
          })
          .onConflictDoUpdate({
            target: drivers.id,
            set: {
              name: sql`excluded.name`,
              status: sql`excluded.status`,
              approval: sql`excluded.approval`,
              product: sql`excluded.product`,
              version: sql`excluded.version`,
              updatedAt: sql`excluded.updated_at`,
              snapshot: sql`excluded.snapshot`,
            },
            setWhere: sql`excluded.version > ${drivers.version}`,
          }),
      ];
    }
    case "rider": {
      const a = w.rider;
      return [
        db
          .insert(riderDues)
          .values({
            riderId: a.id,
            amount: a.dues.amount,
            currency: a.dues.currency,
            version: a.version,
            updatedAt: a.updatedAt,
            snapshot: JSON.stringify(a),
          })
          .onConflictDoUpdate({
            target: riderDues.riderId,
            set: {
              amount: sql`excluded.amount`,
              currency: sql`excluded.currency`,
              version: sql`excluded.version`,
              updatedAt: sql`excluded.updated_at`,
              snapshot: sql`excluded.snapshot`,
            },
            setWhere: sql`excluded.version > ${riderDues.version}`,
          }),
      ];
    }
  }
}

/**
 * Applies writes in one D1 batch (one round trip, all or nothing), coalesced first
 * (`coalesceWrites`: the newest snapshot of each row). A ride's timeline is not among them: the
 * Ride DO keeps it exactly (`GET /v1/rides/{id}/events` reads it there), and a copy in D1 was
 * read by nobody and took 43 % of the views' bytes a ride (BENCHMARKS.md, storage).
 *
 * @example
 * await applyWrites(env.VIEWS_DB, [{ kind: "driver", driver }]);
 */
export async function applyWrites(d1: D1Database, writes: readonly ViewWrite[]): Promise<void> {
  const db = drizzle(d1);
  const [first, ...rest] = writeStatements(db, writes);
  if (first) await db.batch([first, ...rest]);
}

/**
 * Applies writes as `applyWrites` does, and answers whether the operators' live map is watched,
 * read in the same transaction after them (src/views/ops-watch.ts says why that ordering loses
 * no change). No writes: nothing is asked, and the answer is `true` (tell, as before the lease).
 *
 * @example
 * if (await applyWritesAskingWatched(env.VIEWS_DB, writes)) await publishToOps(env, bodies);
 */
export async function applyWritesAskingWatched(d1: D1Database, writes: readonly ViewWrite[]): Promise<boolean> {
  const db = drizzle(d1);
  const [first, ...rest] = writeStatements(db, writes);
  if (!first) return true;
  const results = await db.batch([first, ...rest, watchedQuery(db)]);
  return (results[results.length - 1] as unknown[]).length > 0;
}

function writeStatements(db: DrizzleD1Database, writes: readonly ViewWrite[]) {
  const c = coalesceWrites(writes);
  return [
    ...c.rides.flatMap((r) => rideStatements(db, r)),
    ...c.drivers.flatMap((driver) => statementsOf(db, { kind: "driver", driver })),
    ...c.riders.flatMap((rider) => statementsOf(db, { kind: "rider", rider })),
    ...c.others.flatMap((w) => statementsOf(db, w)),
  ];
}

/**
 * Inserts the earnings rows the views lack (by id); answers how many were new.
 *
 * @example
 * const added = await insertEarnings(env.VIEWS_DB, page.items);
 */
export async function insertEarnings(d1: D1Database, rows: readonly EarningRow[]): Promise<number> {
  const db = drizzle(d1);
  const [first, ...rest] = rows.map((row) =>
    earningStatement(db, {
      id: row.id,
      rideId: row.rideId,
      driverId: row.driverId,
      fare: row.fare,
      commission: row.commission,
      earning: row.earning,
      currency: row.currency,
      createdAt: row.createdAt,
    }),
  );
  if (!first) return 0;
  const results = await db.batch([first, ...rest]);
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}
