/** The live map: the service area drawn from seoul.json, drivers and open rides from the socket. */
import { grid, HEIGHT, kmToUnits, OUTLINE, PLACES, project, RIVER, WIDTH } from "../geo";
import { navigate, useLive } from "../hooks";
import { href } from "../router";
import type { DriverMarker, RideMarker } from "../types";
import { Link, Status } from "../ui";

const GRID = grid();
const DRIVER_KINDS = ["available", "offered", "on_trip"] as const;

function DriverDot(props: { driver: DriverMarker }) {
  const { driver } = props;
  if (!driver.location) return null;
  const { x, y } = project(driver.location);
  const title = `Driver ${driver.name} (${driver.id}): ${driver.status.replace("_", " ")}${driver.currentRideId ? `, ride ${driver.currentRideId}` : ""}`;
  return (
    <g class={`driver d-${driver.status}`} data-driver={driver.id} data-status={driver.status}>
      <title>{title}</title>
      <circle cx={x} cy={y} r={7} />
    </g>
  );
}

function RidePin(props: { ride: RideMarker; driver: DriverMarker | undefined }) {
  const { ride, driver } = props;
  const p = project(ride.pickup);
  const d = driver?.location ? project(driver.location) : null;
  const open = () => navigate(href(`/rides/${ride.id}`));
  return (
    <g class={`ride r-${ride.status}`} data-ride={ride.id} data-status={ride.status}>
      {d ? <line class="assigned" x1={p.x} y1={p.y} x2={d.x} y2={d.y} /> : null}
      <a
        href={href(`/rides/${ride.id}`)}
        onClick={(e) => {
          e.preventDefault();
          open();
        }}
      >
        <title>{`Ride ${ride.id}: ${ride.status.replace(/_/g, " ")}, pickup ${ride.pickup.lat.toFixed(4)}, ${ride.pickup.lng.toFixed(4)}${ride.driverId ? `, driver ${ride.driverId}` : ""}`}</title>
        <path d={`M${p.x},${p.y}l-8,-16a9,9 0 1 1 16,0z`} />
        <circle cx={p.x} cy={p.y - 17} r={3} class="hole" />
      </a>
    </g>
  );
}

export function MapPage() {
  const { state, connection } = useLive();
  const drivers = [...state.drivers.values()];
  const rides = [...state.rides.values()];
  const count = (s: string) => drivers.filter((d) => d.status === s).length;
  const scale = kmToUnits(5);
  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">Live map</h1>
      <p class="sub">
        {/* A cut snapshot: the map shows part of them, so the counts are "at least". */}
        {state.truncated.includes("rides") ? "at least " : ""}
        {rides.length} open rides · {state.truncated.includes("drivers") ? "at least " : ""}
        {drivers.length} drivers on duty · socket {connection}
      </p>
      <div class="map-wrap">
        <svg class="map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Map of Seoul with drivers and open rides">
          <rect width={WIDTH} height={HEIGHT} class="sea" />
          <path d={OUTLINE} class="area" />
          {GRID.lat.map((l) => (
            <g key={l.label} class="grid">
              <line x1={l.from.x} y1={l.from.y} x2={l.to.x} y2={l.to.y} />
              <text x={4} y={l.from.y - 3}>
                {l.label}
              </text>
            </g>
          ))}
          {GRID.lng.map((l) => (
            <g key={l.label} class="grid">
              <line x1={l.from.x} y1={l.from.y} x2={l.to.x} y2={l.to.y} />
              <text x={l.to.x + 3} y={HEIGHT - 6}>
                {l.label}
              </text>
            </g>
          ))}
          <path d={RIVER} class="river" />
          {PLACES.map((p) => (
            <g key={p.name} class="place">
              <circle cx={p.x} cy={p.y} r={2.5} />
              <text x={p.x + 5} y={p.y + 4}>
                {p.name}
              </text>
            </g>
          ))}
          <g class="scale" transform={`translate(${WIDTH - scale - 30} ${HEIGHT - 40})`}>
            <line x1={0} y1={0} x2={scale} y2={0} />
            <text x={scale / 2} y={-6} text-anchor="middle">
              5 km
            </text>
          </g>
          {drivers.map((d) => (
            <DriverDot driver={d} key={d.id} />
          ))}
          {rides.map((r) => (
            <RidePin ride={r} driver={r.driverId ? state.drivers.get(r.driverId) : undefined} key={r.id} />
          ))}
        </svg>
        <aside class="legend" aria-label="Legend">
          <h2>Legend</h2>
          <ul>
            {DRIVER_KINDS.map((s) => (
              <li key={s}>
                <svg width="16" height="16" aria-hidden="true">
                  <circle cx="8" cy="8" r="6" class={`dot d-${s}`} />
                </svg>
                Driver {s.replace("_", " ")} ({count(s)})
              </li>
            ))}
            <li>
              <svg width="16" height="18" aria-hidden="true">
                <path d="M8,18l-7,-13a8,8 0 1 1 14,0z" class="pin" />
              </svg>
              Ride pickup ({rides.length})
            </li>
            <li>
              <svg width="16" height="16" aria-hidden="true">
                <line x1="0" y1="8" x2="16" y2="8" class="assigned" />
              </svg>
              Ride to its driver
            </li>
          </ul>
          <h2>Open rides</h2>
          <ul class="open-rides">
            {rides.length === 0 ? <li>None</li> : null}
            {rides.slice(0, 12).map((r) => (
              <li key={r.id}>
                <Link to={`/rides/${r.id}`}>{r.id.slice(0, 12)}…</Link> <Status status={r.status} />
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </section>
  );
}
