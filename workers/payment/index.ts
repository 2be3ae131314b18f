/**
 * Payment worker entry: consumes ride-payments, one command at a time per message.
 */
import type { PaymentCommandMessage } from "../../src/domain/events";
import { retryDelaySeconds } from "../../src/lib/backoff";
import { handlePaymentCommand } from "./handler";
import { Ledger } from "./ledger";
import { SimulatedProvider } from "./simulator";

export { PaymentSimulatorDurableObject } from "./simulator";

export default {
  async fetch(): Promise<Response> {
    return new Response("payment worker: queue consumer only", { status: 404 });
  },

  async queue(batch: MessageBatch<PaymentCommandMessage>, env: PaymentEnv): Promise<void> {
    const ledger = new Ledger(env.LEDGER_DB);
    const provider = new SimulatedProvider(env.PAYMENT_SIMULATOR);
    for (const message of batch.messages) {
      const command = message.body;
      try {
        const stub = env.RIDE.get(env.RIDE.idFromName(command.rideId));
        const result = await handlePaymentCommand(command, { ledger, provider, report: (r) => stub.applyPaymentResult(r) });
        console.log(JSON.stringify({ msg: "payment step", rideId: command.rideId, action: command.action, outcome: result.outcome, correlationId: command.correlationId }));
        message.ack();
      } catch (error) {
        const delaySeconds = retryDelaySeconds(message.attempts);
        console.warn(JSON.stringify({ msg: "payment step will retry", rideId: command.rideId, action: command.action, attempts: message.attempts, delaySeconds, error: String(error), correlationId: command.correlationId }));
        message.retry({ delaySeconds });
      }
    }
  },
} satisfies ExportedHandler<PaymentEnv, PaymentCommandMessage>;
