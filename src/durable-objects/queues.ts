import type { QueueName } from "../domain/events";
import type { QueueSender } from "../lib/outbox";

/**
 * The real queue sender for a Durable Object's outbox: each logical queue to its binding.
 *
 * @example
 * await outbox.relay(queueSender(env), Date.now());
 */
export function queueSender(env: Pick<Env, "PAYMENTS_QUEUE" | "NOTIFICATIONS_QUEUE" | "RIDE_EVENTS_QUEUE">): QueueSender {
  const bindings: Record<QueueName, Queue> = {
    payments: env.PAYMENTS_QUEUE,
    notifications: env.NOTIFICATIONS_QUEUE,
    "ride-events": env.RIDE_EVENTS_QUEUE,
  };
  return async (queue, bodies) => {
    await bindings[queue].sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
  };
}
