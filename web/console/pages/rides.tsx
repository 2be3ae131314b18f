/** All rides (GET /v1/ops/rides) with a status filter and cursor paging; rows follow the socket. */
import { useState } from "preact/hooks";
import { get, query } from "../api";
import { useLive, useLoad } from "../hooks";
import { mergeRides, rowOf } from "../live-state";
import { RIDE_STATUSES, type Page, type Ride } from "../types";
import { Filter, Link, Pager, Problem, Status, time } from "../ui";

const LIMIT = 20;

export function RidesPage() {
  const [status, setStatus] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { state } = useLive();
  // Loaded again after a reconnect: what changed while the socket was down reached no row.
  const list = useLoad(() => get<Page<Ride>>(`/v1/ops/rides${query({ status, limit: LIMIT, cursor })}`), [status, cursor, state.snapshots], [status, cursor]);
  const rows = mergeRides(list.data?.items.map(rowOf) ?? null, state.seen, { status: status || undefined, firstPage: cursors.length === 0 });
  return (
    <section aria-labelledby="rides-title">
      <h1 id="rides-title">Rides</h1>
      <div class="toolbar">
        <Filter
          label="Status"
          value={status}
          options={RIDE_STATUSES}
          onChange={(v) => {
            setStatus(v);
            setCursors([]);
          }}
        />
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <Problem error={list.error} />
      <table class="rides">
        <caption class="sr-only">Rides, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Ride</th>
            <th scope="col">Status</th>
            <th scope="col">Product</th>
            <th scope="col">Rider</th>
            <th scope="col">Driver</th>
            <th scope="col">Requested</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-ride={r.id}>
              <td>
                <Link to={`/rides/${r.id}`}>{r.id}</Link>
              </td>
              <td>
                <Status status={r.status} />
              </td>
              <td>{r.product}</td>
              <td>{r.riderId}</td>
              <td>{r.driverId ?? "–"}</td>
              <td>{time(r.createdAt)}</td>
              <td>{time(r.updatedAt)}</td>
            </tr>
          ))}
          {rows.length === 0 && !list.loading ? (
            <tr>
              <td colSpan={7}>No rides.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager cursors={cursors} next={list.data?.nextCursor ?? null} onFirst={() => setCursors([])} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
