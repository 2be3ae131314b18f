/** Preact hooks over the console's shared pieces: the live socket, the location, a loader. */
import { useCallback, useEffect, useState } from "preact/hooks";
import { errorText } from "./api";
import { parseRoute, type Route } from "./router";
import { live, type LiveView } from "./socket";

export function useLive(): LiveView {
  const [view, setView] = useState(live.current);
  useEffect(() => live.subscribe(setView), []);
  return view;
}

export function navigate(to: string): void {
  history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
  scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  return route;
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` whenever `deps` change; `reload` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (e: unknown) => current && setState((s) => ({ data: s.data, error: errorText(e), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]); // the caller's deps decide when to load again
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
