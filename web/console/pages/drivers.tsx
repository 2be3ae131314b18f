/** All drivers (GET /v1/ops/drivers) by approval and status; approve, or reject with a reason. */
import { useState } from "preact/hooks";
import { errorText, get, post, query } from "../api";
import { useLive, useLoad } from "../hooks";
import { driverRow } from "../driver-row";
import { liveDriverStatus } from "../live-state";
import { APPROVALS, DRIVER_STATUSES, type Driver, type Page } from "../types";
import { Filter, Pager, Problem, Status } from "../ui";

function DriverRow(props: { driver: Driver; onChange: (d: Driver) => void }) {
  const { driver } = props;
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (verb: "approve" | "reject") => {
    setBusy(true);
    setError(null);
    try {
      // An approval names the vehicle on screen: a driver who changed it meanwhile is refused (409), to be reviewed again.
      const body = { ...(reason ? { reason } : {}), ...(verb === "approve" ? { vehicle: driver.vehicle } : {}) };
      props.onChange(await post<Driver>(`/v1/ops/drivers/${encodeURIComponent(driver.id)}/${verb}`, body));
      setReason("");
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const reasonId = `reason-${driver.id}`;
  return (
    <tr data-driver={driver.id}>
      <td>
        <strong>{driver.name}</strong>
        <br />
        <code>{driver.id}</code>
      </td>
      <td>
        {driver.vehicle.plate} · {driver.vehicle.model} · {driver.vehicle.product}
      </td>
      <td>
        <Status status={driver.approval} />
        {driver.approvalReason ? <div class="sub">{driver.approvalReason}</div> : null}
      </td>
      <td>
        <Status status={driver.status} />
      </td>
      <td>
        <div class="decide">
          <label class="sr-only" for={reasonId}>
            Reason for {driver.name}
          </label>
          <input id={reasonId} placeholder="reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
          {driver.approval !== "approved" ? (
            <button type="button" disabled={busy} onClick={() => decide("approve")}>
              Approve
            </button>
          ) : null}
          {driver.approval !== "rejected" ? (
            <button type="button" class="danger" disabled={busy || !reason} title={reason ? "" : "A rejection needs a reason"} onClick={() => decide("reject")}>
              Reject
            </button>
          ) : null}
        </div>
        <Problem error={error} />
      </td>
    </tr>
  );
}

export function DriversPage() {
  const [approval, setApproval] = useState("");
  const [status, setStatus] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const [changed, setChanged] = useState<Record<string, Driver>>({});
  const cursor = cursors[cursors.length - 1];
  const { state } = useLive();
  // Loaded again after a reconnect: a driver who went offline while the socket was down is in no snapshot.
  const list = useLoad(
    () => get<Page<Driver>>(`/v1/ops/drivers${query({ approval, status, limit: 20, cursor })}`),
    [approval, status, cursor, state.snapshots],
    [approval, status, cursor],
  );
  // The socket tells the status as it changes (offline too); the approval comes from the list or a newer decision made here.
  const rows = (list.data?.items ?? []).map((d) => driverRow(d, changed[d.id], liveDriverStatus(state, d.id)));
  const reset = (set: (v: string) => void) => (v: string) => {
    set(v);
    setCursors([]);
  };
  return (
    <section aria-labelledby="drivers-title">
      <h1 id="drivers-title">Drivers</h1>
      <div class="toolbar">
        <Filter label="Approval" value={approval} options={APPROVALS} onChange={reset(setApproval)} />
        <Filter label="Status" value={status} options={DRIVER_STATUSES} onChange={reset(setStatus)} />
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <Problem error={list.error} />
      <table class="drivers">
        <caption class="sr-only">Drivers</caption>
        <thead>
          <tr>
            <th scope="col">Driver</th>
            <th scope="col">Vehicle</th>
            <th scope="col">Approval</th>
            <th scope="col">Status</th>
            <th scope="col">Decision</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            // Functional: two decisions answered close together both stay (the second no longer writes over the first).
            <DriverRow key={d.id} driver={d} onChange={(next) => setChanged((now) => ({ ...now, [next.id]: next }))} />
          ))}
          {rows.length === 0 && !list.loading ? (
            <tr>
              <td colSpan={5}>No drivers.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager cursors={cursors} next={list.data?.nextCursor ?? null} onFirst={() => setCursors([])} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
