/**
 * The gateway's consumer of `rental-keys`: each confirmed rental's request for its
 * unlock key goes to the key-issuing service, and the key to the Rental DO. While the
 * service is down or slow the message is retried with back-off; the rental is confirmed
 * meanwhile, and its own `key` timer asks again should every retry fail. The key is
 * never logged.
 */
import type { RentalKeyMessage } from "../../src/domain/events";
import { keyIssuerStub, rentalStub } from "../../src/durable-objects/stubs";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { RENTAL_ID } from "../../src/lib/ids";
import type { Outcome } from "../../src/lib/problem";
import { afterReport } from "../../src/payments/result-delivery";

export interface RentalKeyDeps {
  issue: (rentalId: string) => Promise<Outcome<string>>;
  deliver: (rentalId: string, key: string, correlationId: string) => Promise<Outcome<unknown>>;
}

/**
 * @example
 * await consumeRentalKeys(batch, rentalKeyDeps(env));
 */
export async function consumeRentalKeys(batch: MessageBatch<RentalKeyMessage>, deps: RentalKeyDeps): Promise<void> {
  for (const message of batch.messages) {
    const { rentalId, correlationId } = message.body;
    if (!RENTAL_ID.test(rentalId)) {
      console.error(JSON.stringify({ msg: "key request for no rental", rentalId }));
      message.ack();
      continue;
    }
    try {
      const issued = await deps.issue(rentalId);
      if (!issued.ok) throw new Error(`key service: ${issued.problem.detail}`);
      const next = afterReport(await deps.deliver(rentalId, issued.value, correlationId));
      if (next === "retry") throw new Error("the rental did not take its key");
      // No object holds the rental: the key reaches no one, and saying "issued" would hide it.
      if (next === "drop") console.error(JSON.stringify({ msg: "key request for no rental", rentalId, correlationId }));
      else console.log(JSON.stringify({ msg: "rental key issued", rentalId, correlationId }));
      message.ack();
    } catch (error) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      console.warn(JSON.stringify({ msg: "rental key will retry", rentalId, attempts: message.attempts, delaySeconds, error: String(error), correlationId }));
      message.retry({ delaySeconds });
    }
  }
}

/**
 * The consumer's dependencies in production: the key-issuing object and the rental's own object.
 *
 * @example
 * await consumeRentalKeys(batch, rentalKeyDeps(env));
 */
export function rentalKeyDeps(env: Env): RentalKeyDeps {
  return {
    issue: (rentalId) => keyIssuerStub(env).issue(rentalId),
    deliver: (rentalId, key, correlationId) => rentalStub(env, rentalId).keyIssued(key, correlationId),
  };
}
