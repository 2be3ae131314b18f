/**
 * What the views' window lets go, and from when: the rules its run (./window.ts), the repair
 * sweep and the rebuild share. Pure but for the configuration.
 */
import { readConfig, VIEWS_WINDOW_DAYS, type ConfigVars } from "../config";
import { SETTLED_PAYMENTS } from "./schema";

/** The `view_cursors` rows that say how recent the newest kept row can be. */
export const KEPT_BEFORE = { rides: "rides_kept_before", earnings: "earnings_kept_before" } as const;

/** The cut-off of a run at `now`: settled rides and earnings created before it go to their owners. */
export const windowCutoff = (now: Date, days = VIEWS_WINDOW_DAYS) => new Date(now.getTime() - days * 86_400_000);

/** The cut-off now, by the deployment's `VIEWS_WINDOW_DAYS`. */
export const windowStart = (vars: ConfigVars) => windowCutoff(new Date(), readConfig(vars).viewsWindowDays);

const settledPayments: readonly string[] = SETTLED_PAYMENTS;

/**
 * Whether the window hands `ride` over once it is created before `before`: settled (completed
 * or cancelled, with no payment open or failed). The views' `SETTLED_RIDE` says the same in SQL.
 *
 * @example
 * pastWindow({ status: "completed", createdAt: "2026-10-01T09:00:00.000Z", payment: { status: "captured" } }, windowCutoff(new Date()));
 */
export function pastWindow(ride: { status: string; createdAt: string; payment: { status: string } | null }, before: Date): boolean {
  const settled = (ride.status === "completed" || ride.status === "cancelled") && (ride.payment === null || settledPayments.includes(ride.payment.status));
  return settled && ride.createdAt < before.toISOString();
}

/**
 * The repair sweep's ledger passes read the ledger's newest page again every run; in a quiet
 * deployment that page reaches past the window, and the sweep would bring back, every minute,
 * what the window handed over. So it restores only the lost rides not past the window
 * (`pastWindow`, on the object's ride it reads: workers/gateway/ledger-passes.ts, `restoreLost`),
 * and copies only the earnings rows inside it. A ride past the window that the views never had
 * goes to its owners when the rebuild meets it (./window.ts, `projectOrKeep`).
 *
 * @example
 * await insertEarnings(db, insideWindow.earnings(rows, windowStart(env)));
 */
export const insideWindow = {
  earnings: <R extends { createdAt: string }>(rows: R[], before: Date): R[] => rows.filter((r) => r.createdAt >= before.toISOString()),
};
