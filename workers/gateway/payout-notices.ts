/**
 * Telling drivers of their payouts: each payout answered for good (paid, or refused by the
 * provider) becomes one notification to its driver, sent on the notifications queue like an
 * operator's decision about them.
 *
 * Why the ledger keeps who was told (`payouts.told_at`) instead of sending as a run answers:
 * the run's answer and the queue are two stores, and a gateway that dies between them would
 * lose the news. So the ledger lists the untold payouts, the gateway sends them and marks
 * them told afterwards: at least once. A death between the send and the mark, or two tellers
 * at once (two payouts calls, a call beside the cron), sends the news again; the notification
 * worker's log, which keys a delivery by the event's id (the payout's own), drops a repeat
 * that comes after the first was recorded. Two copies handled at the same moment by two
 * consumer runs can both go out, as any event's can; the webhook's receiver dedupes on the
 * notification id. The payouts call tells what it paid at once; the ten-minute cron tells
 * whatever a failed call left. A change of a driver's payout account is told to them too.
 */
import type { Driver, DriverNotificationMessage, PayoutNotificationMessage } from "../../src/domain/events";
import { queueSender } from "../../src/durable-objects/queues";
import { newId } from "../../src/lib/ids";
import type { UntoldPayout } from "../payment/payout-told";
import { paymentService } from "./stubs";

export interface PayoutNoticeDeps {
  /** The oldest payouts answered for good that no driver was told of, at most `limit`. */
  untold: (limit: number) => Promise<UntoldPayout[]>;
  /** Marks payouts told. */
  markTold: (ids: string[]) => Promise<void>;
  /** Sends notifications (one queue batch: at most 100). */
  send: (messages: PayoutNotificationMessage[]) => Promise<void>;
}

/** Payouts told per page: a queue batch holds at most 100 messages. */
export const PAYOUT_NOTICES_PER_PAGE = 100;

/**
 * The notification of one payout. Its event id is the payout's, so every copy of it is one
 * delivery in the notification worker's log.
 *
 * @example
 * payoutNotice({ id: "po_1", driverId: "d1", amount: { amount: 9000, currency: "KRW" }, cutoff, status: "succeeded", answeredAt }, "req-1");
 */
export function payoutNotice(payout: UntoldPayout, correlationId: string): PayoutNotificationMessage {
  return {
    kind: "payout.notification",
    event: {
      id: `ev_${payout.id}`,
      type: payout.status === "succeeded" ? "PayoutSent" : "PayoutFailed",
      driverId: payout.driverId,
      version: 1,
      occurredAt: payout.answeredAt,
      correlationId,
      causationId: payout.id,
      data: { payoutId: payout.id, amount: payout.amount, cutoff: payout.cutoff },
    },
    payout,
  };
}

/**
 * Tells drivers of the untold payouts, a page at a time, at most `pages` pages; answers how
 * many were told. A failed send stops here and throws: those payouts stay untold for the
 * next call.
 *
 * @example
 * await tellPayouts(payoutNoticeDeps(env), requestId, 1);
 */
export async function tellPayouts(deps: PayoutNoticeDeps, correlationId: string, pages: number): Promise<number> {
  let told = 0;
  for (let page = 0; page < pages; page++) {
    const untold = await deps.untold(PAYOUT_NOTICES_PER_PAGE);
    if (untold.length === 0) break;
    await deps.send(untold.map((p) => payoutNotice(p, correlationId)));
    await deps.markTold(untold.map((p) => p.id));
    told += untold.length;
    if (untold.length < PAYOUT_NOTICES_PER_PAGE) break;
  }
  return told;
}

/**
 * The ledger (through the payment worker) and the notifications queue.
 *
 * @example
 * const told = await tellPayouts(payoutNoticeDeps(env), correlationId, 10);
 */
export function payoutNoticeDeps(env: Env): PayoutNoticeDeps {
  const send = queueSender(env);
  return {
    untold: (limit) => paymentService(env).untoldPayouts(limit),
    markTold: (ids) => paymentService(env).markPayoutsTold(ids),
    send: (messages) => send("notifications", messages),
  };
}

/**
 * After a payouts call: tells the untold payouts, oldest first, two pages (a call answers at
 * most 100; a backlog older than them, left by a queue that was down, can push some of this
 * call's to the cron). Never throws: what it could not tell, the ten-minute cron does.
 *
 * @example
 * c.executionCtx.waitUntil(tellPayoutsAfterRun(c.env, c.get("requestId")));
 */
export async function tellPayoutsAfterRun(env: Env, correlationId: string): Promise<void> {
  try {
    await tellPayouts(payoutNoticeDeps(env), correlationId, 2);
  } catch (error) {
    console.warn(JSON.stringify({ msg: "payout notices not sent; the ten-minute cron sends them", correlationId, error: String(error) }));
  }
}

/**
 * An account as logs and notices show it: its last four characters only.
 *
 * @example
 * maskedAccount("acct_1Nv0FGQ9RKHgCVdK"); // "…CVdK"
 */
export const maskedAccount = (accountId: string | null): string | null => (accountId === null ? null : `…${accountId.slice(-4)}`);

/**
 * The notice to a driver that the account their payouts go to was set (`PayoutAccountChanged`,
 * the account masked): a change they did not ask for (an operator's token misused) is seen by
 * the one it robs. Its event id is new: each change is its own notice.
 *
 * @example
 * accountNotice(driver, "acct_1Nv0FGQ9RKHgCVdK", "req-1", new Date()); // { kind: "driver.notification", event: { type: "PayoutAccountChanged", … } }
 */
export function accountNotice(driver: Driver, accountId: string, correlationId: string, now: Date): DriverNotificationMessage {
  const event = {
    id: newId("ev", now.getTime()),
    type: "PayoutAccountChanged",
    driverId: driver.id,
    version: driver.version,
    occurredAt: now.toISOString(),
    correlationId,
    causationId: null,
    data: { account: maskedAccount(accountId) },
  };
  return { kind: "driver.notification", event, driver };
}

/**
 * Tells the driver their payout account was set. Best effort, never throws: a notice lost with a
 * queue that is down is logged (the change itself is in the `payout account set` line).
 *
 * @example
 * c.executionCtx.waitUntil(tellAccountChanged(c.env, driver, accountId, c.get("requestId")));
 */
export async function tellAccountChanged(env: Env, driver: Driver, accountId: string, correlationId: string): Promise<void> {
  try {
    await queueSender(env)("notifications", [accountNotice(driver, accountId, correlationId, new Date())]);
  } catch (error) {
    console.warn(JSON.stringify({ msg: "payout account notice not sent", driverId: driver.id, correlationId, error: String(error) }));
  }
}
