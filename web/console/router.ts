/** Client-side routes under /console/ (the gateway answers index.html for every one of them). */
export const BASE = "/console";

export type Route =
  { page: "map" } | { page: "rides" } | { page: "ride"; id: string } | { page: "drivers" } | { page: "health" } | { page: "not-found"; path: string };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter(Boolean);
  if (parts.length === 0) return { page: "map" };
  if (parts.length === 1 && (parts[0] === "rides" || parts[0] === "drivers" || parts[0] === "health")) return { page: parts[0] };
  if (parts.length === 2 && parts[0] === "rides" && parts[1]) {
    const id = decoded(parts[1]);
    if (id !== null) return { page: "ride", id };
  }
  return { page: "not-found", path: pathname };
}

/** A path segment decoded; null for one that is not valid percent-encoding (a mangled link must not blank the console). */
function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export const href = (path: string) => `${BASE}${path === "/" ? "/" : path}`;
