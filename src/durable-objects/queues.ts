import type { QueueName } from "../domain/events";
import type { QueueSender } from "../lib/outbox";
import { PEER_CALL_MS, within } from "../lib/timeout";

/**
 * The real queue sender for a Durable Object's outbox: each logical queue to its binding.
 *
 * @example
 * await outbox.relay(queueSender(env), Date.now());
 */
export function queueSender(env: Pick<Env, "PAYMENTS_QUEUE" | "NOTIFICATIONS_QUEUE" | "RIDE_EVENTS_QUEUE" | "RENTAL_KEYS_QUEUE">): QueueSender {
  const bindings: Record<QueueName, Queue> = {
    payments: env.PAYMENTS_QUEUE,
    notifications: env.NOTIFICATIONS_QUEUE,
    "ride-events": env.RIDE_EVENTS_QUEUE,
    "rental-keys": env.RENTAL_KEYS_QUEUE,
  };
  // Bounded: the relay runs inside the object's command queue, which a hung send would hold.
  return async (queue, bodies) => {
    await within(PEER_CALL_MS, bindings[queue].sendBatch(bodies.map((body) => ({ body, contentType: "json" as const }))), `send to ${queue}`);
  };
}
