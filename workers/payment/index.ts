/**
 * Payment worker entry: consumes ride-payments (one saga step per message) and its
 * dead-letter queue, sends each result to ride-payment-results, and serves the
 * gateway's internal calls (reconciliation among them: the gateway's cron asks for it,
 * since only the gateway can read the rides) through the PaymentService entrypoint.
 */
import { letterAbout } from "./dead-letters";
import { consumerFetch } from "../../src/lib/readiness";
import { meterBatch } from "../../src/lib/metering";
import type { PaymentCommandMessage } from "../../src/domain/events";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { RunLog } from "../../src/lib/run-log";
import { isDeadLetterQueue, keepEachLetter } from "../../src/lib/dead-letters";
import { paymentDeps } from "./deps";
import { BreakerOpen, handlePaymentCommand } from "./handler";
import { Ledger } from "./ledger";

export { PaymentSimulatorDurableObject } from "./simulator";
export { CircuitBreakerDurableObject } from "./breaker-do";
export { PaymentService } from "./service";

/** Thrown by the chaos knob: a consumer run that dies half-way through its batch. */
class ChaosCrash extends Error {}

export default {
  fetch(request: Request, env: PaymentEnv): Response {
    return consumerFetch("payment", request, env);
  },

  async queue(batch: MessageBatch<PaymentCommandMessage>, env: PaymentEnv): Promise<void> {
    env = meterBatch(env, "payment", batch); // development metrics, read through PaymentService.metrics()
    if (isDeadLetterQueue(batch.queue)) {
      // Poison messages: kept in the ledger's dead_letters for an operator, never dropped.
      const ledger = new Ledger(env.LEDGER_DB);
      return keepEachLetter(batch, async (message) => {
        await ledger.deadLetter({ id: message.id, queue: batch.queue, body: message.body, attempts: message.attempts });
        console.error(JSON.stringify({ msg: "payment message dead-lettered", id: message.id, ...letterAbout(message.body) }));
      });
    }
    const deps = paymentDeps(env);
    const crashRate = env.ENVIRONMENT === "development" ? Number(env.CHAOS_CONSUMER_CRASH_RATE) || 0 : 0;
    const crashAt = crashRate > 0 && Math.random() < crashRate ? Math.floor(Math.random() * batch.messages.length) : -1;
    // The steps done on one line for the run (each line is a log event to carry and store); a retry gets its own warning.
    const done = new RunLog<{ rideId: string; action: string; outcome: string; correlationId: string }>("payment steps");
    for (const [index, message] of batch.messages.entries()) {
      if (index === crashAt) {
        done.flush();
        console.warn(JSON.stringify({ msg: "chaos: payment consumer crashing mid-batch", index, size: batch.messages.length }));
        throw new ChaosCrash("chaos: consumer crashed mid-batch");
      }
      const command = message.body;
      try {
        const result = await handlePaymentCommand(command, deps);
        done.add({ rideId: command.rideId, action: command.action, outcome: result.outcome, correlationId: command.correlationId });
        message.ack();
      } catch (error) {
        const delaySeconds = error instanceof BreakerOpen ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : retryDelaySeconds(message.attempts);
        console.warn(
          JSON.stringify({
            msg: "payment step will retry",
            // A body with no command (null) is retried to its dead letters, never the end of the batch's run.
            rideId: command?.rideId,
            action: command?.action,
            attempts: message.attempts,
            delaySeconds,
            error: String(error),
            correlationId: command?.correlationId,
          }),
        );
        message.retry({ delaySeconds });
      }
    }
    done.flush();
  },
} satisfies ExportedHandler<PaymentEnv, PaymentCommandMessage>;
