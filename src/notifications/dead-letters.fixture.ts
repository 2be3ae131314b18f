/** Test fixtures of the notification dead letters: a kept message and a letter written as the dead-letter consumer writes it. */

/** A ride's notification as the queue carries it. */
export const message = (rideId: string, eventId: string, extra: Record<string, unknown> = {}) => ({
  kind: "ride.notification",
  event: { id: eventId, type: "DriverAssigned" },
  ride: { id: rideId },
  locale: "ko",
  ...extra,
});

/** Keeps a dead letter in `db` (a body that is a string is kept as it is: not JSON, say). */
export async function keepLetter(db: D1Database, letter: { id: string; rideId: string; eventId: string; receivedAt: string; body?: unknown }): Promise<void> {
  const body = letter.body ?? message(letter.rideId, letter.eventId, { deadLetterReason: "webhook: 500" });
  await db
    .prepare("INSERT INTO notification_dead_letters (id, event_id, ride_id, body, reason, received_at) VALUES (?, ?, ?, ?, 'webhook: 500', ?)")
    .bind(letter.id, letter.eventId, letter.rideId, typeof body === "string" ? body : JSON.stringify(body), letter.receivedAt)
    .run();
}
