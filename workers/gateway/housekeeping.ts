/**
 * The gateway's crons besides the views' repair sweep. Every minute: the notification delivery
 * log's retention (a minute's deliveries at a city's peak are far fewer than a run deletes; ten
 * minutes' would take more statements than one invocation may make of D1, 1,000), and the views'
 * window (settled rides and earnings past it handed to their owners: src/views/window.ts), and the
 * ledger's (each settled ride's payment rows past it handed to its Ride DO:
 * workers/payment/ledger-window.ts). Every ten
 * minutes: payment reconciliation, the old log the views kept (./src/notifications/views-log.ts),
 * the views' dead letters replayed before the window,
 * how full the three D1 databases are, the payout runs' sums (the earnings checkpoint and
 * the folded payouts, kept current so that no run reads all history), and the payouts whose
 * drivers a payouts call left untold (./payout-notices.ts). Each runs on its own: a
 * payment worker that does not answer must not stop the log's retention, nor the other way
 * round; the run fails afterwards if any of them failed, so the failure shows in the cron's
 * history.
 */
import { readConfig } from "../../src/config";
import { databaseSize, sizeAlert } from "../../src/views/database-size";
import { deliveryCutoff, PRUNE_CHUNK, pruneDeliveries, pruneLetters } from "../../src/notifications/retention";
import { retireViewsLog } from "../../src/notifications/views-log";
import { letGoOfHistory } from "../../src/views/window";
import { pruneReplayedLetters } from "../../src/views/dead-letters";
import { durableKeepers } from "./window-keepers";
import { windowStart } from "../../src/views/window-rules";
import { reconcilePayments } from "./payment-results";
import { payoutNoticeDeps, tellPayouts } from "./payout-notices";
import { paymentService } from "./stubs";
import { rideStub } from "../../src/durable-objects/stubs";
import { handOverLedger, SETTLE_LAG_MS, type LedgerHandoverDeps } from "../../src/payments/ledger-handover";

/** Reconciliation leaves young holds alone: their ride may still be on its way to a capture. */
const RECONCILE_MIN_AGE_MS = 5 * 60_000;
/**
 * Deliveries one minute's run deletes at most: 144 million a day, where a Seoul-size peak
 * records 48,000 a minute (100 rides a second, 8 deliveries a served ride: BENCHMARKS.md,
 * storage). 200 statements of 500 rows; each held SQLite 0.7-4 ms over a log of 1.2 million rows
 * on this machine, so the notification worker's own writes wait at most that long between two.
 */
const PRUNE_MAX_ROWS = 100_000;

const log = (line: Record<string, unknown>) => console.log(JSON.stringify(line));

/**
 * Rides (and, apart, earnings rows) the views' window hands over in one run at most: up to
 * 2,000 riders' and 2,000 drivers' calls, and 2,000 more for the earnings, in the 10,000
 * subrequests an invocation may make. 2,000 a minute is 2.9 million a day, above a Seoul-size
 * day's 2.16 million: a peak's rides are handed over at this pace a window later, the backlog
 * drained in the hours after it (BENCHMARKS.md, storage).
 */
const WINDOW_MAX_ROWS = 2_000;

/** The views' window's run: fails (after the rest) when an owner could not be reached, so that it shows in the cron's history. */
async function keepWindow(env: Env): Promise<void> {
  const before = windowStart(env);
  const run = await letGoOfHistory(env.VIEWS_DB, durableKeepers(env), before, WINDOW_MAX_ROWS);
  if (run.rides > 0 || run.earnings > 0 || run.notKept > 0) log({ msg: "views window kept", ...run, before });
  if (run.notKept > 0) throw new Error(`views window: ${run.notKept} rows not kept by their owners; they stay in the views for the next run`);
}

/**
 * Rides the ledger's window judges in one run at most: as many Ride DO calls at most, at the
 * views' window's pace (2.9 million a day, above a Seoul-size day's 2.16 million). With the views'
 * window's 6,000 owners' calls, about 20 of the payment worker's and the repair sweep's, one run
 * stays inside the 10,000 subrequests an invocation may make.
 */
const LEDGER_MAX_RIDES = 2_000;

/** The ledger's window: each settled ride's rows past it go to its own Ride DO (src/payments/ledger-handover.ts); fails, after the rest, when one did not keep them. */
async function keepLedgerWindow(env: Env): Promise<void> {
  const before = new Date(Date.now() - readConfig(env).ledgerWindowDays * 86_400_000);
  const run = await handOverLedger(ledgerHandoverDeps(env), before, LEDGER_MAX_RIDES);
  if (run.rides > 0 || run.notKept > 0) log({ msg: "ledger window kept", ...run, before });
  if (run.notKept > 0) throw new Error(`ledger window: ${run.notKept} rides not kept by their Ride DOs; they stay in the ledger, judged again later`);
}

/**
 * The ledger window's calls: the payment worker's service and the rides' objects.
 *
 * @example
 * await handOverLedger(ledgerHandoverDeps(env), before, 2_000);
 */
export const ledgerHandoverDeps = (env: Env): LedgerHandoverDeps => ({
  pastWindow: (before, limit) => paymentService(env).ledgerPastWindow(before, limit, readConfig(env).ledgerWindowDays === 0 ? 0 : SETTLE_LAG_MS),
  keep: (rideId, ledger) => rideStub(env, rideId).keepLedger(ledger),
  letGo: (rides, cutoff, after) => paymentService(env).letGoOfLedger(rides, cutoff, after),
});

/** Waits for every task; then fails with the first failure, if any (each ran to its end whatever the others did). */
async function allOnTheirOwn(tasks: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * The views', the notification database's and the ledger's sizes; an error line for each at half
 * its limit or more (src/views/database-size.ts). Each on its own: one that cannot be measured
 * (the payment worker down) fails the run after the others were judged, never hides their alert.
 */
async function checkSizes(env: Env): Promise<void> {
  const measures = { views: databaseSize(env.VIEWS_DB), notifications: databaseSize(env.NOTIFICATIONS_DB), ledger: paymentService(env).ledgerSize() };
  await allOnTheirOwn(
    Object.entries(measures).map(async ([database, size]) => {
      const alert = sizeAlert(database, await size);
      if (alert) console.error(alert);
    }),
  );
}

/** Deliveries created before this go (`DELIVERY_LOG_RETENTION_DAYS`). */
const cutoff = (env: Env) => deliveryCutoff(new Date(), readConfig(env).deliveryLogRetentionDays);

/**
 * The every-minute share of housekeeping, beside the views' repair sweep (`tasks`).
 *
 * @example
 * if (controller.cron === "* * * * *") await everyMinute(env, [repairAll(env)]);
 */
export async function everyMinute(env: Env, tasks: Promise<unknown>[] = []): Promise<void> {
  const before = cutoff(env);
  await allOnTheirOwn([
    ...tasks,
    pruneDeliveries(env.NOTIFICATIONS_DB, before, PRUNE_MAX_ROWS).then((pruned) => pruned > 0 && log({ msg: "delivery log pruned", pruned, before })),
    keepWindow(env),
    keepLedgerWindow(env),
  ]);
}

/**
 * @example
 * if (controller.cron === "*\/10 * * * *") await everyTenMinutes(env);
 */
export async function everyTenMinutes(env: Env): Promise<void> {
  const before = cutoff(env);
  await allOnTheirOwn([
    reconcilePayments(env, RECONCILE_MIN_AGE_MS).then((report) => log({ msg: "payment reconciliation", ...report })),
    retireViewsLog(env, before).then((retired) => (retired.pruned > 0 || retired.moved > 0) && log({ msg: "old delivery log retired", ...retired, before })),
    // The letters too old to replay (no index on their time: a scan of a small table, every ten minutes).
    pruneLetters(env.NOTIFICATIONS_DB, before, PRUNE_CHUNK).then((letters) => letters > 0 && log({ msg: "dead letters pruned", letters, before })),
    pruneReplayedLetters(env.VIEWS_DB, windowStart(env), PRUNE_CHUNK).then(
      (letters) => letters > 0 && log({ msg: "views dead letters pruned", letters, before: windowStart(env) }),
    ),
    checkSizes(env),
    paymentService(env)
      .advancePayoutSums()
      .then((sums) => log({ msg: "payout sums", ...sums })),
    // A payout whose answer never came is sent again (same key) without waiting for the next run.
    paymentService(env)
      .resendPayouts()
      .then((sent) => sent.drivers + sent.failed > 0 && log({ msg: "payouts sent again", ...sent })),
    // What a payouts call could not tell its drivers (./payout-notices.ts): 1,000 a run.
    tellPayouts(payoutNoticeDeps(env), `cron-${crypto.randomUUID()}`, 10).then((told) => told > 0 && log({ msg: "payout notices sent", told })),
  ]);
}
