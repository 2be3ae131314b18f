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

/** A loader's state: `key` names what `data` is of (the `identity` it was loaded for). */
export interface LoadState<T> {
  data: T | null;
  key: string | null;
  error: string | null;
  loading: boolean;
}

/**
 * After a failed load for `key`: data of that same thing is kept (a refresh that failed still
 * shows what was there); data of something else is dropped, so that a failed "next page" or a
 * filter that failed never shows the previous rows under the new page or filter.
 *
 * @example
 * setState((s) => afterFailure(s, key, errorText(e)));
 */
export function afterFailure<T>(state: LoadState<T>, key: string, error: string): LoadState<T> {
  const same = state.key === key;
  return { data: same ? state.data : null, key: same ? key : null, error, loading: false };
}

/**
 * Loads `load()` whenever `deps` change; `reload` loads again. `identity` (by default `deps`) says
 * what the data is of: deps beyond it only refresh the same thing (the ride page's id is its
 * identity; a change heard on the socket only refreshes it).
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], identity: readonly unknown[] = deps): Loaded<T> {
  const [state, setState] = useState<LoadState<T>>({ data: null, key: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(identity);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, key, error: null, loading: false }),
      (e: unknown) => current && setState((s) => afterFailure(s, key, errorText(e))),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]); // the caller's deps decide when to load again
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
