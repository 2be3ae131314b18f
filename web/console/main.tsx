/** The operator console: a shell with navigation around the page of the current route. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { getToken, onToken, setToken } from "./api";
import { useLive, useRoute } from "./hooks";
import { DriversPage } from "./pages/drivers";
import { HealthPage } from "./pages/health";
import { MapPage } from "./pages/map";
import { RidePage } from "./pages/ride";
import { RidesPage } from "./pages/rides";
import { SignIn } from "./pages/signin";
import type { Route } from "./router";
import { live } from "./socket";
import { Link } from "./ui";

const NAV = [
  { to: "/", label: "Map", page: "map" },
  { to: "/rides", label: "Rides", page: "rides" },
  { to: "/drivers", label: "Drivers", page: "drivers" },
  { to: "/health", label: "Health", page: "health" },
] as const;

function Page(props: { route: Route }) {
  const { route } = props;
  switch (route.page) {
    case "map":
      return <MapPage />;
    case "rides":
      return <RidesPage />;
    case "ride":
      return <RidePage id={route.id} key={route.id} />;
    case "drivers":
      return <DriversPage />;
    case "health":
      return <HealthPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing at <code>{route.path}</code>. <Link to="/">Back to the map</Link>
          </p>
        </section>
      );
  }
}

function App() {
  const [token, setState] = useState(getToken);
  const route = useRoute();
  const { connection } = useLive();
  useEffect(() => onToken(setState), []);
  useEffect(() => live.use(token), [token]);
  if (!token) return <SignIn />;
  const current = route.page === "ride" ? "rides" : route.page;
  return (
    <>
      <header class="top">
        <span class="brand">Rides ops</span>
        <nav aria-label="Console">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} aria-current={current === n.page ? "page" : undefined}>
              {n.label}
            </Link>
          ))}
        </nav>
        <span class={`conn c-${connection}`} role="status" aria-live="polite">
          {connection === "open" ? "live" : connection === "replaced" ? "replaced by another tab" : connection}
        </span>
        {connection === "replaced" ? (
          <button type="button" class="secondary" onClick={() => live.reconnect()}>
            Reconnect
          </button>
        ) : null}
        <button type="button" class="secondary" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <main>
        <Page route={route} />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) render(<App />, root);
