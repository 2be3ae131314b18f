/**
 * Dead-letter queues are named `<queue>-dlq`, with the environment's suffix after it
 * outside production (`ride-payments-dlq-staging`). Consumers that serve a queue and
 * its dead letters tell them apart by name, in every environment.
 *
 * @example
 * if (isDeadLetterQueue(batch.queue)) keepForAnOperator(batch);
 */
export function isDeadLetterQueue(queue: string): boolean {
  return /-dlq(?:-[a-z0-9]+)?$/.test(queue);
}
