/**
 * Public shapes: what the API contract shows of internal records. Handlers present
 * through these instead of building JSON inline, so a field added to an internal record
 * (bookkeeping, ids of other systems) never leaks into an answer by accident.
 */
import type { Driver } from "../../src/domain/events";
import { withProducts } from "../../src/driver/vehicle";
import type { TimelineItem } from "../../src/durable-objects/aggregate";
import type { LedgerEntry } from "../payment/ledger";

/**
 * The contract's Driver JSON (internal bookkeeping fields left out).
 *
 * @example
 * return c.json(publicDriver(unwrap(await driverStub(c.env, id).goOffline(requestId))), 200);
 */
export const publicDriver = (d: Driver) => ({
  id: d.id,
  name: d.name,
  vehicle: withProducts(d.vehicle),
  approval: d.approval,
  approvalReason: d.approvalReason ?? null,
  status: d.status,
  location: d.location,
  currentRideId: d.currentRideId,
  version: d.version,
});

/**
 * One entry of a ride's public timeline: event ids and correlation ids stay internal.
 *
 * @example
 * return c.json({ items: items.map(publicTimelineItem) }, 200);
 */
export const publicTimelineItem = ({ type, version, occurredAt, data }: TimelineItem) => ({ type, version, occurredAt, data });

/**
 * One payment operation of a ride, as ops see it (the ledger's row ids stay internal).
 *
 * @example
 * return c.json({ items: entries.map(publicLedgerEntry) }, 200);
 */
export const publicLedgerEntry = (e: LedgerEntry) => ({
  idempotencyKey: e.idempotencyKey,
  kind: e.kind,
  amount: e.amount,
  currency: e.currency,
  outcome: e.outcome,
  provider: e.provider,
  providerRef: e.providerRef,
  detail: e.detail,
  createdAt: e.createdAt,
});

/** The states of a notification delivery (the views column is free text). */
export type DeliveryStatus = "sent" | "failed" | "retrying";

/**
 * One row of the notification delivery log, as ops see it. Spreads the row as the
 * handler always did (eventId, locale and correlationId included, beyond the documented
 * schema); only the status is narrowed to the contract's enum.
 *
 * @example
 * return c.json({ ...list, items: list.items.map(publicDelivery) }, 200);
 */
export const publicDelivery = <R extends { status: string }>(row: R) => ({ ...row, status: row.status as DeliveryStatus });
