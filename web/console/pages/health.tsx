/** The /v1/ops/stats figures, pushed by the socket every 5 s, with sparklines of the last samples. */
import { get } from "../api";
import { Bars, Sparkline } from "../charts";
import { useLive, useLoad } from "../hooks";
import { isOpen } from "../live-state";
import { RIDE_STATUSES, type DatabaseSize, type Stats } from "../types";
import { Link, Problem, seconds, time, won } from "../ui";

interface PaymentHealth {
  provider?: string;
  breaker?: { mode?: string; failures?: number; openedAt?: number | null };
  /** The payouts' own breaker (a failing transfer endpoint never turns riders' payments away). */
  payoutBreaker?: { mode?: string; failures?: number };
  deadLetters?: number;
  ledger?: DatabaseSize;
  error?: string;
}

const paymentsOf = (stats: Stats): PaymentHealth => (typeof stats.payments === "object" && stats.payments !== null ? (stats.payments as PaymentHealth) : {});
/** A database's size: MB below a gigabyte, GB from there (its limit is 10 GB). */
const sizeOf = (size?: DatabaseSize | null) =>
  size ? (size.bytes < 1e9 ? `${(size.bytes / 1e6).toFixed(1)} MB` : `${(size.bytes / 1e9).toFixed(2)} GB`) : "–";
const openRides = (s: Stats) => Object.entries(s.ridesByStatus).reduce((n, [status, count]) => (isOpen(status) ? n + count : n), 0);
/** The rides' payment problems and the rentals' declined refunds. */
const problemCount = (s: Stats) => s.openPaymentProblems.length + (s.openRentalProblems?.length ?? 0);

function Figure(props: { label: string; value: string | number; spark?: (number | null)[]; id?: string }) {
  return (
    <div class="figure" data-figure={props.id}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.spark && props.spark.length > 1 ? <Sparkline values={props.spark} label={`${props.label}, last ${props.spark.length} samples`} /> : null}
    </div>
  );
}

export function HealthPage() {
  const { state } = useLive();
  // The socket's first stats arrive within a moment; the page does not wait for them.
  const first = useLoad(() => get<Stats>("/v1/ops/stats"), []);
  const samples = state.stats.map((s) => s.stats);
  const latest = samples[samples.length - 1] ?? first.data;
  const at = state.stats[state.stats.length - 1]?.at;
  if (!latest) {
    return (
      <section>
        <h1>Health</h1>
        <Problem error={first.error} />
        <p>Loading…</p>
      </section>
    );
  }
  const payments = paymentsOf(latest);
  const mode = payments.breaker?.mode ?? (payments.error ? "unknown" : "–");
  const byStatus = RIDE_STATUSES.map((s) => [s, latest.ridesByStatus[s] ?? 0] as [string, number]);
  const rentalProblems = latest.openRentalProblems ?? [];
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      <p class="sub">{at ? `Live, last sample ${time(at)} (every 5 s)` : "From GET /v1/ops/stats; live samples follow"}</p>
      <div class="figures">
        <Figure id="open-rides" label="Open rides" value={openRides(latest)} spark={samples.map(openRides)} />
        <Figure id="dispatch-p50" label="Dispatch time p50" value={seconds(latest.dispatchTimeMs.p50)} spark={samples.map((s) => s.dispatchTimeMs.p50)} />
        <Figure id="dispatch-p90" label="Dispatch time p90" value={seconds(latest.dispatchTimeMs.p90)} spark={samples.map((s) => s.dispatchTimeMs.p90)} />
        <Figure id="dispatch-p99" label="Dispatch time p99" value={seconds(latest.dispatchTimeMs.p99)} />
        <Figure id="dispatched" label="Rides dispatched (sample)" value={latest.dispatchTimeMs.count} />
        <Figure id="payment-problems" label="Open payment problems" value={problemCount(latest)} spark={samples.map(problemCount)} />
        <Figure id="dues" label={`Open dues (${latest.openDues.riders} riders)`} value={won(latest.openDues.amount, latest.openDues.currency)} />
        <Figure
          id="dead-letters"
          label="Dead letters: views / notifications / payments"
          value={`${latest.deadLetters.views} / ${latest.deadLetters.notifications ?? "–"} / ${payments.deadLetters ?? "–"}`}
          spark={samples.map((s) => s.deadLetters.views + (s.deadLetters.notifications ?? 0))}
        />
        <Figure
          id="storage"
          label={`Databases: views / notifications / ledger (of ${((latest.storage?.views.limitBytes ?? 10e9) / 1e9).toFixed(0)} GB each)`}
          value={`${sizeOf(latest.storage?.views)} / ${sizeOf(latest.storage?.notifications)} / ${sizeOf(payments.ledger)}`}
          spark={samples.map((s) => (s.storage ? Math.max(s.storage.views.share, s.storage.notifications?.share ?? 0) : null))}
        />
        {latest.errors?.notifications ? (
          <div class="figure" data-figure="notifications-error">
            <div class="label">Notification database</div>
            <div class="value">not answering</div>
            <div class="sub">{latest.errors.notifications}</div>
          </div>
        ) : null}
        <div class={`figure breaker b-${mode}`} data-figure="breaker">
          <div class="label">Payment circuit breaker{payments.provider ? ` (${payments.provider})` : ""}</div>
          <div class="value">{mode.replace("_", " ")}</div>
          {payments.breaker?.failures ? <div class="sub">{payments.breaker.failures} failures in a row</div> : null}
          {payments.error ? <div class="sub">{payments.error}</div> : null}
          {payments.payoutBreaker?.mode && payments.payoutBreaker.mode !== "closed" ? (
            <div class="sub" data-figure="payout-breaker">
              payouts: {payments.payoutBreaker.mode.replace("_", " ")}
            </div>
          ) : null}
        </div>
      </div>
      <h2>Rides by status</h2>
      <Bars entries={byStatus} label="Rides by status" />
      <h2>Open payment problems</h2>
      {latest.openPaymentProblems.length === 0 && rentalProblems.length === 0 ? <p>None.</p> : null}
      <ul aria-label="Open payment problems">
        {latest.openPaymentProblems.map((p) => (
          <li key={p.rideId}>
            <Link to={`/rides/${p.rideId}`}>{p.rideId}</Link>: {p.problem.replace(/_/g, " ")} since {time(p.since)}
          </li>
        ))}
        {/* A rental has no page of its own: its id is what POST /v1/ops/rentals/{id}/refund takes. */}
        {rentalProblems.map((p) => (
          <li key={p.rentalId} data-rental={p.rentalId}>
            rental {p.rentalId}: {p.problem.replace(/_/g, " ")} since {time(p.since)}
          </li>
        ))}
      </ul>
    </section>
  );
}
