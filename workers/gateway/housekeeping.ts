/**
 * The gateway's ten-minute cron: payment reconciliation, the notification delivery log's
 * retention, how full the two D1 databases are, and the payout runs' sums (the earnings
 * checkpoint and the folded payouts, kept current so that no run reads all history). Each
 * runs on its own: a payment worker that does not answer must not stop the log's
 * retention, nor the other way round; the run fails afterwards if any of them failed, so
 * the failure shows in the cron's history.
 */
import { databaseSize, sizeAlert } from "../../src/views/database-size";
import { deliveryCutoff, pruneDeliveries } from "../../src/views/retention";
import { reconcilePayments } from "./payment-results";
import { paymentService } from "./stubs";

/** Reconciliation leaves young holds alone: their ride may still be on its way to a capture. */
const RECONCILE_MIN_AGE_MS = 5 * 60_000;
/** Deliveries one retention run deletes at most: 720,000 a day, the log of about 140,000 rides a day. */
const PRUNE_MAX_ROWS = 5_000;

const log = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

/** The views' and the ledger's sizes; an error line for each at half its limit or more (src/views/database-size.ts). */
async function checkSizes(env: Env): Promise<void> {
  const [views, ledger] = await Promise.all([databaseSize(env.VIEWS_DB), paymentService(env).ledgerSize()]);
  for (const [database, size] of [
    ["views", views],
    ["ledger", ledger],
  ] as const) {
    const alert = sizeAlert(database, size);
    if (alert) console.error(alert);
  }
}

/**
 * @example
 * if (controller.cron === "*\/10 * * * *") await everyTenMinutes(env);
 */
export async function everyTenMinutes(env: Env): Promise<void> {
  const before = deliveryCutoff(new Date());
  const results = await Promise.allSettled([
    reconcilePayments(env, RECONCILE_MIN_AGE_MS).then((report) => log({ msg: "payment reconciliation", ...report })),
    pruneDeliveries(env.VIEWS_DB, before, PRUNE_MAX_ROWS).then((pruned) => log({ msg: "delivery log pruned", pruned, before })),
    checkSizes(env),
    paymentService(env)
      .advancePayoutSums()
      .then((sums) => log({ msg: "payout sums", ...sums })),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}
