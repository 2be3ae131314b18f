/**
 * What the console reads of its own token: when it expires. Only to stop knocking: a socket
 * whose token expired while it was down is refused at the upgrade (401, which a browser reports
 * as a bare close), so the console would reconnect every 30 s for ever, showing a stale map,
 * instead of asking the operator to sign in again. The server still decides; an unreadable token
 * is taken as live.
 */

/**
 * @example
 * if (tokenExpired(token, Date.now())) setToken(null); // back to the sign-in page
 */
export function tokenExpired(token: string, now: number): boolean {
  const payload = token.split(".")[1];
  if (!payload) return false;
  try {
    const { exp } = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof exp === "number" && exp * 1000 <= now;
  } catch {
    return false;
  }
}
