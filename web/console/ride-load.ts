/**
 * What the ride page loads: the ride and its timeline, which the page cannot be without, and its
 * payment ledger and notifications, each on its own. A payment worker or a notifications database
 * that cannot answer (the incidents an operator opens a ride in) leaves the ride, its status
 * and its actions on the page, with that part's error in its place.
 */
import { errorText, get } from "./api";
import type { Delivery, LedgerEntry, Page, Ride, TimelineItem } from "./types";

/** A part of the page read on its own: its items, or why they could not be read. */
export type Part<T> = { items: T[]; error: null } | { items: null; error: string };

const part = <T>(read: Promise<{ items: T[] }>): Promise<Part<T>> =>
  read.then(
    (r) => ({ items: r.items, error: null }),
    (e: unknown) => ({ items: null, error: errorText(e) }),
  );

/**
 * @example
 * const { ride, events, payments, notifications } = await loadRide("rd_…");
 * if (payments.error) showProblem(payments.error);
 */
export async function loadRide(id: string, read: <T>(path: string) => Promise<T> = get) {
  const path = encodeURIComponent(id);
  const [ride, events, payments, notifications] = await Promise.all([
    read<Ride>(`/v1/rides/${path}`),
    read<{ items: TimelineItem[] }>(`/v1/rides/${path}/events`),
    part(read<{ items: LedgerEntry[] }>(`/v1/ops/rides/${path}/payments`)),
    part(read<Page<Delivery>>(`/v1/ops/notifications?rideId=${path}&limit=50`)),
  ]);
  return { ride, events: events.items, payments, notifications };
}
