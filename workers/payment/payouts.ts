/**
 * A payout run: pays every driver what they are owed up to a cut-off time, once.
 *
 * 1. Payouts whose outcome is unknown (the provider could not answer, or a run died
 *    between claiming and asking) are sent again under their own idempotency keys: the
 *    provider pays each key once, so a retry never pays twice.
 * 2. What each driver is owed for what they earned before the cut-off (src/payments/payout.ts) is claimed as a
 *    `pending` payout whose id (and idempotency key) derives from the cut-off and the
 *    driver, guarded against a concurrent run; a second run of the same cut-off finds the
 *    ids taken and claims nothing. The earnings are summed since the last run's checkpoint
 *    (./earnings-checkpoint.ts) and the payouts in a final state are read folded
 *    (./payout-totals.ts), not over all history.
 * 3. Each claim is sent to the provider (through the circuit breaker, with the timeout)
 *    and its answer recorded: `succeeded`; `failed` and retryable when the provider could
 *    not answer; `failed` for good when it refused (the amount is owed again, and the
 *    next cut-off pays it).
 *
 * Stripe keeps an idempotency key about 24 h only, so a payout first claimed longer ago
 * than KEY_MEMORY_MS is not simply sent again: it is first looked up at the provider by
 * what the transfer carries (its `transfer_group`, the payout id), and recorded paid when
 * found; sent again only when none was made.
 *
 * A payout no request has gone out for yet is re-sized to its driver's balance just before
 * its first request (./payout-resize.ts): a refund since its claim is not paid out.
 */
import { payoutId, payoutRunId, payoutsDue, refusedOnOurSide } from "../../src/payments/payout";
import { BreakerOpen, guarded, type GuardedDeps } from "./handler";
import { advanceEarningsCheckpoint, EARNINGS_SETTLED_MS, earnedUpTo } from "./earnings-checkpoint";
import { answerPayout, claimPayout, holdBack, pinnedDestination, recordRun, takePayout, unansweredPayouts, unpinDestination } from "./payout-store";
import { driversWithAccount } from "./payout-accounts";
import { resizePayout } from "./payout-resize";
import { foldFinalPayouts, payoutTotals } from "./payout-totals";

/** At most this many payouts are sent per call; `more` says to run the same cut-off again for the rest. */
export const PAYOUTS_PER_CALL = 100;

/**
 * A claim (or a payout taken for sending) older than this with no answer belongs to a call that
 * died: it is sent again. Each payout is taken just before its send (`takePayout`), so this need
 * only outlast one send (a lookup and a payout at the provider's timeout each). At 60 s, as until
 * 2026-12-06 (found by review), with nothing taken, the cron or a second operator sent the claims
 * of a call still sending, and the provider's 409s for the requests in flight under the same keys
 * counted as failures on the payouts' breaker.
 */
export const STALE_CLAIM_MS = 15 * 60_000;

/** How long the provider is trusted to remember an idempotency key (Stripe keeps it about 24 h; an hour to spare). */
export const KEY_MEMORY_MS = 23 * 3_600_000;

export interface PayoutDeps extends GuardedDeps {
  db: D1Database;
  now?: () => Date;
}

/** What one call of a run did: the payouts it made (`drivers`, `total`), the ones that failed, whether some are left. */
export interface PayoutRunReport {
  id: string;
  cutoff: string;
  drivers: number;
  total: { amount: number; currency: "KRW" };
  failed: number;
  more: boolean;
  /** Drivers owed something with no payout account on file (where the provider needs one): not claimed, their balance waits. */
  waitingForAccount: number;
}

/**
 * One payout to send; `claimedAt` is when it was first claimed, `seenAt` its last change as read (ISO 8601);
 * `requested` whether a request may have reached the provider under its key (then its amount is kept).
 */
type Send = { id: string; driverId: string; amount: number; claimedAt: string; seenAt: string; requested: boolean };

/**
 * Runs (or resumes) the payout run of `cutoff` (ISO 8601, normalized, not in the future).
 *
 * @example
 * const report = await runPayouts({ db: env.LEDGER_DB, provider, breaker, timeoutMs: 5000 }, "2026-01-01T00:00:00.000Z");
 */
export async function runPayouts(deps: PayoutDeps, cutoff: string): Promise<PayoutRunReport> {
  const now = (deps.now ?? (() => new Date()))();
  const runId = await payoutRunId(cutoff);
  await recordRun(deps.db, runId, cutoff, now.toISOString());

  const unanswered = await unansweredSends(deps, now);
  const sends = unanswered.sends;
  let more = unanswered.more;

  // Sum only what was recorded since the last run: the checkpoint moves up to the cut-off,
  // or up to where no insert can still be committing, whichever is earlier.
  // And read the payouts in a final state as one sum a driver (./payout-totals.ts). The two
  // touch different tables: the database runs them one after the other, without a round trip
  // between.
  // The contract pays what was earned before the cut-off: at or before its last millisecond
  // (every time in the ledger is ISO 8601 to the millisecond), so an earning made at the cut-off
  // itself is the next cut-off's.
  const through = new Date(Date.parse(cutoff) - 1).toISOString();
  const settled = new Date(now.getTime() - EARNINGS_SETTLED_MS).toISOString();
  await Promise.all([advanceEarningsCheckpoint(deps.db, settled < through ? settled : through), foldFinalPayouts(deps.db)]);
  const [earned, totals] = await Promise.all([earnedUpTo(deps.db, through), payoutTotals(deps.db, cutoff)]);
  const owed = payoutsDue(cutoff, earned, totals.records);
  // A driver with no account to pay into is not claimed (a refused payout at every run, and a notice they cannot act on):
  // their balance waits, and the first run after an operator sets the account pays it.
  const payable = deps.provider.payoutAccountRequired
    ? await driversWithAccount(
        deps.db,
        owed.map((d) => d.driverId),
      )
    : null;
  const due = payable ? owed.filter((d) => payable.has(d.driverId)) : owed;
  const waitingForAccount = owed.length - due.length;
  if (waitingForAccount > 0) console.warn(JSON.stringify({ msg: "payouts waiting for an account", runId, cutoff, drivers: waitingForAccount }));
  for (const { driverId, amount } of due) {
    if (sends.length >= PAYOUTS_PER_CALL) {
      more = true;
      break;
    }
    const id = await payoutId(cutoff, driverId);
    // Stamped when claimed, not when the call began: its staleness counts from here.
    const claim = { id, runId, driverId, amount, cutoff, provider: deps.provider.name, now: nowIso(deps) };
    if (await claimPayout(deps.db, claim, totals.rows.get(driverId) ?? 0))
      sends.push({ id, driverId, amount, claimedAt: claim.now, seenAt: claim.now, requested: false });
  }

  const { drivers, total, failed } = await sendAll(deps, sends, now);
  console.log(JSON.stringify({ msg: "payout run", runId, cutoff, drivers, total, failed, more, waitingForAccount }));
  return { id: runId, cutoff, drivers, total: { amount: total, currency: "KRW" }, failed, more, waitingForAccount };
}

/**
 * Sends again, between runs, the payouts whose outcome is unknown (no answer, or a run that
 * died after claiming them), at most PAYOUTS_PER_CALL: the ten-minute cron's, so that a
 * payout in flight never waits for an operator's next run, and a driver's balance is not held
 * by one for days. Under the same keys: paid at most once.
 *
 * @example
 * const { drivers, failed } = await resendUnansweredPayouts(deps);
 */
export async function resendUnansweredPayouts(deps: PayoutDeps): Promise<{ drivers: number; total: number; failed: number; more: boolean }> {
  const now = (deps.now ?? (() => new Date()))();
  const { sends, more } = await unansweredSends(deps, now);
  return { ...(await sendAll(deps, sends, now)), more };
}

/** The payouts whose outcome is unknown, as sends (at most PAYOUTS_PER_CALL; `more` when there are others). */
async function unansweredSends(deps: PayoutDeps, now: Date): Promise<{ sends: Send[]; more: boolean }> {
  const unknown = await unansweredPayouts(deps.db, new Date(now.getTime() - STALE_CLAIM_MS).toISOString(), PAYOUTS_PER_CALL + 1);
  const sends = unknown
    .slice(0, PAYOUTS_PER_CALL)
    .map((p) => ({ id: p.id, driverId: p.driverId, amount: p.amount.amount, claimedAt: p.createdAt, seenAt: p.updatedAt, requested: p.requested }));
  return { sends, more: unknown.length > PAYOUTS_PER_CALL };
}

/**
 * Sends each payout, one at a time (a key the provider may have forgotten is looked up first);
 * counts what was paid. Stops at the first the breaker holds back: it and the rest are marked
 * failed and retryable where they stand (`holdBack`). Sent one by one into an open breaker,
 * each would be marked after the payouts that opened it and move behind them (the line is by
 * last change), and a few whose failure the provider replays under their keys for a day would
 * come first at every pass and hold back every payout behind them.
 */
async function sendAll(deps: PayoutDeps, sends: Send[], now: Date): Promise<{ drivers: number; total: number; failed: number }> {
  let drivers = 0;
  let total = 0;
  let failed = 0;
  const keysForgottenBefore = new Date(now.getTime() - KEY_MEMORY_MS).toISOString();
  for (const [i, send] of sends.entries()) {
    // Taken first (`takePayout`): another call that read it too, or found it stale while it waited here, does not send it as well.
    const takenAt = nowIso(deps);
    if (!(await takePayout(deps.db, send.id, send.seenAt, takenAt))) continue;
    // Looked up even when never requested by this version: a previous one (a rollback) may have sent it without marking it.
    const paid = send.claimedAt < keysForgottenBefore ? await findOrSendPayout(deps, send, takenAt) : await sendPayout(deps, send, takenAt);
    if (paid === "held") {
      const rest = sends.slice(i);
      await holdBack(
        deps.db,
        rest.map((s, j) => ({ id: s.id, at: j === 0 ? takenAt : s.seenAt, seenAt: s.seenAt })),
        "held back: the payouts' circuit breaker is open",
      );
      console.warn(JSON.stringify({ msg: "payouts held back", payoutId: send.id, left: rest.length }));
      return { drivers, total, failed: failed + rest.length };
    }
    // Answered for good by another call that sent it too (a stale claim two calls took): counted there, once.
    // Cancelled before it went out (nothing left to pay): neither paid nor failed.
    if (paid === "answered" || paid === "cancelled") continue;
    if (paid) {
      drivers += 1;
      total += paid.amount;
    } else failed += 1;
  }
  return { drivers, total, failed };
}

/**
 * A payout whose key the provider may have forgotten: looked up first, recorded paid when
 * the provider made it, sent again only when it did not; when the lookup gets no answer
 * nothing is sent (it stays retryable). True when it was paid.
 */
async function findOrSendPayout(deps: PayoutDeps, send: Send, takenAt: string): Promise<Sent> {
  let found: { ref: string } | null;
  try {
    found = await guarded(deps, () => deps.provider.findPayout(send.id));
  } catch (error) {
    if (error instanceof BreakerOpen) return "held";
    await answerPayout(deps.db, send.id, { status: "failed", retryable: true, providerRef: null, detail: String(error).slice(0, 500), now: nowIso(deps) });
    console.warn(JSON.stringify({ msg: "payout lookup failed", payoutId: send.id, driverId: send.driverId }));
    return false;
  }
  // None made: sent afresh (the key forgotten), to the account on file now, not the one an earlier send pinned,
  // and re-sized as a first request.
  if (!found) {
    await unpinDestination(deps.db, send.id);
    return sendPayout(deps, { ...send, requested: false }, takenAt);
  }
  const answered = await answerPayout(deps.db, send.id, { status: "succeeded", retryable: false, providerRef: found.ref, detail: null, now: nowIso(deps) });
  return answered ? { amount: send.amount } : "answered";
}

const nowIso = (deps: PayoutDeps) => (deps.now ?? (() => new Date()))().toISOString();

/**
 * What came of sending one payout: paid (the amount), not paid (false), held back by the breaker (`held`,
 * recorded by the caller), paid but recorded by another call first (`answered`: not this call's to count),
 * or cancelled before it went out (`cancelled`: nothing left to pay).
 */
type Sent = { amount: number } | false | "held" | "answered" | "cancelled";

/** Asks the provider to pay one payout (re-sized first if never requested) and records the answer (`Sent`). */
async function sendPayout(deps: PayoutDeps, claimed: Send, takenAt: string): Promise<Sent> {
  const at = () => nowIso(deps);
  let send = claimed;
  if (!send.requested) {
    const resized = await resizePayout(deps.db, send, takenAt, at());
    if (resized === "lost") return "answered";
    if (resized === "cancelled") {
      console.warn(JSON.stringify({ msg: "payout cancelled", payoutId: send.id, driverId: send.driverId, claimed: send.amount }));
      return "cancelled";
    }
    if (resized.amount < send.amount)
      console.warn(JSON.stringify({ msg: "payout lowered", payoutId: send.id, driverId: send.driverId, claimed: send.amount, amount: resized.amount }));
    send = { ...send, amount: resized.amount };
  }
  try {
    // The account of its first send: an operator may have changed the driver's since, and a key reused with another
    // account is refused. Pinned only once the breaker lets the request out: a send it held back sent nothing.
    const outcome = await guarded(deps, async () => {
      const destination = await pinnedDestination(deps.db, send.id, send.driverId);
      return deps.provider.payout({ amount: { amount: send.amount, currency: "KRW" }, destination, reference: send.driverId }, send.id);
    });
    if (outcome.outcome === "succeeded") {
      const answered = await answerPayout(deps.db, send.id, { status: "succeeded", retryable: false, providerRef: outcome.ref, detail: null, now: at() });
      return answered ? { amount: send.amount } : "answered";
    }
    await answerPayout(deps.db, send.id, { status: "failed", retryable: false, providerRef: outcome.ref, detail: outcome.detail, now: at() });
    // Refused for good: the amount is owed again, and only a later cut-off pays it (a wrong payout account, say).
    payoutFailed(send, "refused", outcome.detail);
  } catch (error) {
    if (error instanceof BreakerOpen) return "held";
    // Unavailable or timed out: the outcome is unknown, the next run asks again under the same key.
    await answerPayout(deps.db, send.id, { status: "failed", retryable: true, providerRef: null, detail: String(error).slice(0, 500), now: at() });
    payoutFailed(send, "unknown", String(error).slice(0, 200));
  }
  return false;
}

/**
 * The line on-call reads: `refused` (the provider said no, for good) or `unknown` (no answer; the next run asks again).
 * A refusal on the platform's side (its balance short) is an error of its own: every payout after it meets it too.
 */
function payoutFailed(send: Send, outcome: "refused" | "unknown", detail: string | null): void {
  const line = { payoutId: send.id, driverId: send.driverId, outcome, detail };
  if (outcome === "refused" && refusedOnOurSide(detail)) console.error(JSON.stringify({ msg: "payout refused on our side", ...line }));
  else console.warn(JSON.stringify({ msg: "payout failed", ...line }));
}
