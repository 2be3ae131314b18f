/**
 * The delivery log in D1: a row per (ride, event, channel, recipient), written with how the
 * delivery went. A duplicate event finds its row `sent` (or `failed` for good) and stops.
 * A consumer run looks up all its deliveries in one read (`lookUp`) and writes every outcome
 * in one batch (`recordAll`): one statement a delivery and one a run, where a claim and its read
 * before the send and the outcome after it made three a delivery (a D1 database runs one
 * query at a time: the capacity model in BENCHMARKS.md). A worker that dies between a send and its
 * record leaves no row, or the row of an earlier attempt, and the redelivered message sends
 * again: at least once, as a send whose mark was lost always was.
 */
import { and, eq, getTableColumns, inArray, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deliveryId } from "../../src/notifications/delivery-id";
import { notificationDeliveries } from "../../src/notifications/schema";

/** A delivery's stored row, with its id (computed from its key, never stored). */
export type DeliveryRow = Omit<typeof notificationDeliveries.$inferSelect, "seq"> & { id: string };
/** A delivery's key: its ride first (the log's one index serves the claim and the ride's list). A driver's account notice has ride "". */
export type DeliveryKey = { rideId: string; eventId: string; channel: string; recipient: string };
/** A delivery as the log keeps it, before any attempt: its key, audience, ride and event. */
export type PlannedDelivery = Pick<DeliveryRow, "eventId" | "channel" | "recipient" | "audience" | "rideId" | "event" | "version">;
/** How one delivery went: sent, or failed (for good when `final`). */
export type DeliveryOutcome = { delivery: PlannedDelivery } & ({ sent: true } | { sent: false; error: string; final: boolean });

/** A delivery sent, by ride, recipient, event and channel (none: on any channel): the key of what `sentOf` answers. */
export const sentKey = (rideId: string, recipient: string, event: string, channel?: string): string =>
  JSON.stringify([rideId, recipient, event, channel ?? null]);

/** The newer of two versions told: a number over null (a row that kept none), null over never told. */
const newer = (a: number | null | undefined, b: number | null): number | null => (a === undefined || a === null ? b : b === null ? a : Math.max(a, b));

/**
 * Notes in `told` (by `sentKey`) that `event` of a ride was sent to `recipient` on `channel` at `version`: under its
 * channel, and with no channel (on any), each keeping the newest version.
 *
 * @example
 * noteTold(told, { rideId: "rd_1", recipient: "r_1", event: "TripStarted", channel: "webhook", version: 7 });
 */
export function noteTold(
  told: Map<string, number | null>,
  d: { rideId: string; recipient: string; event: string; channel: string; version: number | null },
): void {
  const own = sentKey(d.rideId, d.recipient, d.event, d.channel);
  told.set(own, newer(told.get(own), d.version));
  const any = sentKey(d.rideId, d.recipient, d.event);
  told.set(any, newer(told.get(any), d.version));
}

/** The key of a delivery as one string (a map key). */
export const keyOf = (k: DeliveryKey): string => JSON.stringify([k.rideId, k.eventId, k.channel, k.recipient]);

/** Every column but `seq` (the order only the list and the retention read). */
const { seq: _order, ...storedColumns } = getTableColumns(notificationDeliveries);

/** D1 binds at most 100 parameters a statement: a key takes 4. */
const KEYS_PER_READ = 25;

/** @example const log = new DeliveryLog(env.NOTIFICATIONS_DB); */
export class DeliveryLog {
  private readonly db;
  constructor(d1: D1Database) {
    this.db = drizzle(d1);
  }

  private where(key: DeliveryKey) {
    return and(
      eq(notificationDeliveries.rideId, key.rideId),
      eq(notificationDeliveries.eventId, key.eventId),
      eq(notificationDeliveries.channel, key.channel),
      eq(notificationDeliveries.recipient, key.recipient),
    );
  }

  /** The stored row of each delivery that has one, by `keyOf` (none: never attempted); one read for up to 25 deliveries. */
  async lookUp(keys: readonly DeliveryKey[]): Promise<Map<string, DeliveryRow>> {
    const stored = new Map<string, DeliveryRow>();
    const reads = [];
    for (let i = 0; i < keys.length; i += KEYS_PER_READ) {
      const chunk = keys.slice(i, i + KEYS_PER_READ);
      reads.push(
        this.db
          .select(storedColumns)
          .from(notificationDeliveries)
          .where(or(...chunk.map((k) => this.where(k)))),
      );
    }
    const [first, ...rest] = reads;
    if (!first) return stored;
    const results = rest.length > 0 ? await this.db.batch([first, ...rest]) : [await first];
    for (const row of results.flat()) stored.set(keyOf(row), { ...row, id: deliveryId(row) });
    return stored;
  }

  /**
   * Which of `rideIds` have a delivery of one of `events` sent, by `sentKey` (`[rideId, recipient,
   * event, channel]`, and with no channel: on any), each with the newest version told (null: only
   * rows that kept none, from before versions were kept); one read for up to 90 rides (the
   * ride-first index).
   */
  async sentOf(rideIds: readonly string[], events: readonly string[]): Promise<Map<string, number | null>> {
    const sent = new Map<string, number | null>();
    const perRead = Math.max(1, 99 - events.length);
    const d = notificationDeliveries;
    for (let i = 0; i < rideIds.length; i += perRead) {
      const rows = await this.db
        .select({ rideId: d.rideId, recipient: d.recipient, event: d.event, channel: d.channel, version: sql<number | null>`max(${d.version})` })
        .from(d)
        .where(and(inArray(d.rideId, rideIds.slice(i, i + perRead)), inArray(d.event, [...events]), eq(d.status, "sent")))
        .groupBy(d.rideId, d.recipient, d.event, d.channel);
      for (const row of rows) noteTold(sent, row);
    }
    return sent;
  }

  /**
   * Writes how each delivery went: a new row (`attempts` 1), or one more attempt on the row there; one batch.
   * A row `sent` stays sent: two copies of one event in two runs (an outbox's resend, two payout tellers)
   * both read no row, and the one whose send failed must not mark a delivered notice `retrying` or
   * `failed` (it would be sent again, dead-lettered and replayed, and listed as failed to the operators).
   */
  async recordAll(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    const now = new Date();
    const writes = outcomes.map((o) => {
      const status = o.sent ? "sent" : o.final ? "failed" : "retrying";
      const lastError = o.sent ? null : o.error.slice(0, 500);
      return this.db
        .insert(notificationDeliveries)
        .values({ ...o.delivery, status, attempts: 1, lastError, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [notificationDeliveries.rideId, notificationDeliveries.eventId, notificationDeliveries.channel, notificationDeliveries.recipient],
          // The version too, should the row be a previous worker's (no version kept): its event's, the same.
          set: {
            status,
            attempts: sql`${notificationDeliveries.attempts} + 1`,
            lastError,
            updatedAt: now,
            version: sql`coalesce(${notificationDeliveries.version}, excluded.version)`,
          },
          setWhere: ne(notificationDeliveries.status, "sent"),
        });
    });
    const [first, ...rest] = writes;
    if (first) await this.db.batch([first, ...rest]);
  }
}
