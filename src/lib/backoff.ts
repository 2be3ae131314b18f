/**
 * Seconds to wait before retrying a queue message on its n-th attempt: 2, 4, 8 …
 * at most 5 minutes. Used by the payment and notification consumers.
 *
 * @example
 * message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}
