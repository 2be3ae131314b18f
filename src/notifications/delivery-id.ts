/**
 * A notification delivery's id: the idempotency key the channels send with (a provider that
 * sees it twice sends once) and the id the operators' list shows. One per (event, channel,
 * audience): an event has one rider and at most one driver. Computed, never stored: the
 * delivery log keeps its parts (src/notifications/schema.ts, `notificationDeliveries`).
 *
 * @example
 * deliveryId({ eventId: "ev_1", channel: "webhook", audience: "rider" }); // "nt_ev_1_webhook_rider"
 */
export const deliveryId = (d: { eventId: string; channel: string; audience: "rider" | "driver" }): string => `nt_${d.eventId}_${d.channel}_${d.audience}`;
