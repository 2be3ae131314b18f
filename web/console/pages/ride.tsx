/**
 * One ride: the ride itself, its timeline, payment ledger and notifications, and the operator's
 * actions where the contract allows them (cancel before in_progress, retry a refused
 * capture, refund what is left of a captured fare: ../actions.ts). A change heard on the socket loads the page again.
 */
import { useState } from "preact/hooks";
import { errorText, post } from "../api";
import { keyAfterRefund, REASON_MAX, rideActions } from "../actions";
import { useLive, useLoad } from "../hooks";
import { loadRide } from "../ride-load";
import type { Ride } from "../types";
import { dateTime, Link, Problem, Status, time, won } from "../ui";

function Actions(props: { ride: Ride; done: () => void }) {
  const { ride } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [amount, setAmount] = useState("");
  // One key a refund asked for: a click sent again after an error (its answer lost) is the same refund;
  // the next click after one went out is a new one (a refund the provider declined is asked again so).
  const [refundKey, setRefundKey] = useState<string>(() => crypto.randomUUID());
  const run = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      props.done();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const path = `/v1/rides/${encodeURIComponent(ride.id)}`;
  const ops = `/v1/ops/rides/${encodeURIComponent(ride.id)}`;
  const { cancel: canCancel, retry: canRetry, refund: canRefund } = rideActions(ride);
  if (!canCancel && !canRetry && !canRefund) return <p class="sub">No operator action applies to a ride {ride.status.replace(/_/g, " ")}.</p>;
  return (
    <form class="actions" onSubmit={(e) => e.preventDefault()} aria-label="Operator actions">
      <label>
        Reason
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="why (shown in the ride's history)" maxLength={REASON_MAX} />
      </label>
      {canRefund ? (
        <label>
          Refund amount (KRW, empty: all that is left)
          <input value={amount} onInput={(e) => setAmount(e.currentTarget.value)} inputMode="numeric" pattern="[0-9]*" />
        </label>
      ) : null}
      <div class="buttons">
        {canCancel ? (
          <button type="button" class="danger" disabled={busy} onClick={() => run(() => post(`${path}/cancel`, reason ? { reason } : {}))}>
            Cancel ride
          </button>
        ) : null}
        {canRetry ? (
          <button type="button" disabled={busy} onClick={() => run(() => post(`${ops}/retry-payment`))}>
            Retry payment
          </button>
        ) : null}
        {canRefund ? (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const body = { reason: reason || "refund by operator", ...(amount ? { amount: Number(amount) } : {}) };
                try {
                  await post(`${ops}/refund`, body, { "idempotency-key": refundKey });
                  setRefundKey(keyAfterRefund(null, refundKey));
                } catch (error) {
                  setRefundKey(keyAfterRefund(error, refundKey));
                  throw error;
                }
              })
            }
          >
            Refund
          </button>
        ) : null}
      </div>
      <Problem error={error} />
    </form>
  );
}

export function RidePage(props: { id: string }) {
  const { state } = useLive();
  const heard = state.seen.get(props.id)?.version ?? 0;
  // Loaded again after a reconnect too: a ride that ended while the socket was down is in no snapshot.
  const page = useLoad(() => loadRide(props.id), [props.id, heard, state.snapshots], [props.id]);
  const data = page.data?.ride.id === props.id ? page.data : null;
  const ride = data?.ride;
  return (
    <section aria-labelledby="ride-title">
      <p>
        <Link to="/rides">← Rides</Link>
      </p>
      <h1 id="ride-title">
        Ride <code>{props.id}</code> {ride ? <Status status={ride.status} /> : null}
      </h1>
      <Problem error={page.error} />
      {ride && data ? (
        <>
          <div class="cards">
            <dl class="card">
              <dt>Product</dt>
              <dd>{ride.product}</dd>
              <dt>Rider</dt>
              <dd>{ride.riderId}</dd>
              <dt>Driver</dt>
              <dd>{ride.driver ? `${ride.driver.name} (${ride.driver.id}) · ${ride.driver.vehicle.plate}` : "–"}</dd>
              <dt>Pickup</dt>
              <dd>{ride.pickup.address ?? `${ride.pickup.lat.toFixed(4)}, ${ride.pickup.lng.toFixed(4)}`}</dd>
              <dt>Drop-off</dt>
              <dd>{ride.dropoff.address ?? `${ride.dropoff.lat.toFixed(4)}, ${ride.dropoff.lng.toFixed(4)}`}</dd>
            </dl>
            <dl class="card">
              <dt>Quote</dt>
              <dd>{won(ride.quote.amount)}</dd>
              <dt>Fare</dt>
              <dd>{won(ride.fare?.amount)}</dd>
              <dt>Payment</dt>
              <dd>
                <Status status={ride.payment.status} />
                {ride.payment.refundedAmount ? ` refunded ${won(ride.payment.refundedAmount.amount)}` : ""}
              </dd>
              <dt>Cancellation</dt>
              <dd>{ride.cancellation ? `by ${ride.cancellation.by}: ${ride.cancellation.reason}` : "–"}</dd>
              <dt>Version</dt>
              <dd>
                {ride.version} · updated {dateTime(ride.updatedAt)}
              </dd>
            </dl>
          </div>
          <h2>Actions</h2>
          <Actions ride={ride} done={page.reload} />
          <h2>Timeline</h2>
          <ol class="timeline">
            {/* Append-only and in order; the events of one change share a version, so the place is the key. */}
            {data.events.map((e, i) => (
              <li key={i}>
                <time dateTime={e.occurredAt}>{time(e.occurredAt)}</time> <strong>{e.type}</strong> <span class="sub">v{e.version}</span>
              </li>
            ))}
          </ol>
          <h2>Payment ledger</h2>
          <Problem error={data.payments.error} />
          <table hidden={data.payments.items === null}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">Amount</th>
                <th scope="col">Outcome</th>
                <th scope="col">Provider</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {data.payments.items?.length === 0 ? (
                <tr>
                  <td colSpan={6}>No payment operations yet.</td>
                </tr>
              ) : null}
              {(data.payments.items ?? []).map((p, i) => (
                <tr key={`${p.idempotencyKey}-${i}`}>
                  <td>{time(p.createdAt)}</td>
                  <td>{p.kind}</td>
                  <td>{won(p.amount, p.currency)}</td>
                  <td>{p.outcome}</td>
                  <td>{p.provider}</td>
                  <td>{p.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Notifications</h2>
          <Problem error={data.notifications.error} />
          <table hidden={data.notifications.items === null}>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">To</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {data.notifications.items?.length === 0 ? (
                <tr>
                  <td colSpan={6}>No notifications yet.</td>
                </tr>
              ) : null}
              {(data.notifications.items ?? []).map((n) => (
                <tr key={n.id}>
                  <td>{time(n.createdAt)}</td>
                  <td>{n.event}</td>
                  <td>{n.recipient}</td>
                  <td>{n.channel}</td>
                  <td>{n.status}</td>
                  <td>{n.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="button" onClick={page.reload}>
              Refresh
            </button>
          </p>
        </>
      ) : page.loading ? (
        <p>Loading…</p>
      ) : null}
    </section>
  );
}
