/**
 * Live WebSockets on a Durable Object, with hibernation: the object accepts the
 * socket through the runtime (`acceptWebSocket`), so an idle connection keeps no
 * isolate awake and costs nothing. The gateway authenticates the request and passes
 * the actor in headers, with when its token expires; the object decides whether that
 * actor may watch it.
 *
 * A socket lives no longer than its token, nor than its actor's right to watch: a frame
 * due to a socket whose token expired closes it instead (`TOKEN_EXPIRED`), and so does its
 * next ping; a broadcast that names who may watch (`Watchers`) closes the sockets of that
 * role's other actors (`NO_LONGER_YOURS`: a driver who declined, or was let go of, a ride).
 * An idle socket past its token hears nothing: it is closed at its next frame or ping.
 */
import type { Actor, Role } from "../domain/types";
import type { LiveView, LiveWatchers as Watchers } from "../kernel/machine";
import { spendTicket } from "./spent-tickets";

/** Close codes a client can act on: sign in again, or stop watching. */
export const TOKEN_EXPIRED = { code: 4401, reason: "token expired" } as const;
export const NO_LONGER_YOURS = { code: 4403, reason: "no longer yours to watch" } as const;
/** 1012, service restart: connect again (the console and the apps do, with their token). */
export const RECONNECT = { code: 1012, reason: "reconnect" } as const;
/** 1008, policy: the actor opened a newer socket past `SOCKETS_PER_ACTOR`; this, their oldest, ends. */
export const REPLACED = { code: 1008, reason: "replaced by a newer socket" } as const;

/**
 * How many sockets one actor keeps open on one object (a phone and a tablet, a console in a few
 * tabs). An app whose reconnect loop leaks sockets, or a token used to open thousands, would
 * otherwise make every commit walk them all: a new one past the limit closes that actor's oldest.
 */
export const SOCKETS_PER_ACTOR = 4;

/** What `acceptLive` attaches to a socket (it survives hibernation). */
interface Attached {
  actorId?: string;
  role?: string;
  /** When the token the socket was opened with expires (ms since the epoch). */
  until?: number;
}

const attachedTo = (ws: WebSocket) => (ws.deserializeAttachment() as Attached | null) ?? {};

/** The first of `views` for the socket's actor (the attachment `acceptLive` wrote): by role, and by actor if the view names one. */
function viewOf(attached: Attached, views: readonly LiveView[]): LiveView | undefined {
  return views.find((v) => attached.role === v.role && (v.actorId === undefined || attached.actorId === v.actorId));
}

/**
 * Closes `ws` with `why`; a socket already closing is left to the runtime.
 *
 * @example
 * closeWith(ws, RECONNECT);
 */
export function closeWith(ws: WebSocket, why: { code: number; reason: string }): void {
  try {
    ws.close(why.code, why.reason);
  } catch {
    // already closing
  }
}

/**
 * Why `ws` may no longer be sent anything (and is closed), or null. A socket with no expiry
 * attached was opened by an older code (a deploy normally disconnects them all): it is asked to
 * reconnect (`RECONNECT`), which brings its token's expiry, rather than told its token expired.
 */
function refusal(attached: Attached, now: number, watchers?: Watchers): { code: number; reason: string } | null {
  if (typeof attached.until !== "number") return RECONNECT;
  if (attached.until <= now) return TOKEN_EXPIRED;
  if (watchers && attached.role === watchers.role && !watchers.actorIds.includes(attached.actorId ?? "")) return NO_LONGER_YOURS;
  return null;
}

const ROLES = new Set<Role>(["rider", "driver", "ops"]);

/** The actor the gateway authenticated, when its token expires, and the live ticket it came with, if any (spent here: spent-tickets.ts). */
export type LiveActor = Actor & { until: number; ticketId?: string };

/** The actor the gateway authenticated, from the internal request it forwards; null without one, or without its token's expiry. */
export function actorFromHeaders(request: Request): LiveActor | null {
  const id = request.headers.get("x-actor-id");
  const role = request.headers.get("x-actor-role") as Role | null;
  const until = Number(request.headers.get("x-actor-until"));
  const ticketId = request.headers.get("x-live-ticket");
  if (!id || !role || !ROLES.has(role) || !Number.isFinite(until) || until <= 0) return null;
  return ticketId ? { id, role, until, ticketId } : { id, role, until };
}

/**
 * The internal request that hands a WebSocket upgrade to a Durable Object; `until` is when the
 * actor's token expires (ms since the epoch): the socket is closed at its first frame after.
 * Its URL carries no query: a browser's `access_token` would otherwise be written again in the
 * object's own request log (the object reads the actor from the headers, nothing from the URL).
 *
 * `ticketId`: the live ticket the socket is opened with (its `jti`), which the object spends.
 *
 * @example
 * await stub.fetch(liveRequest(c.req.url, c.var.actor, c.var.tokenExpiresAt));
 */
export function liveRequest(url: string, actor: Actor, until: number, ticketId?: string): Request {
  const bare = new URL(url);
  bare.search = "";
  const headers: Record<string, string> = { upgrade: "websocket", "x-actor-id": actor.id, "x-actor-role": actor.role, "x-actor-until": String(until) };
  if (ticketId) headers["x-live-ticket"] = ticketId;
  return new Request(bare, { headers });
}

/**
 * Spends the actor's live ticket, once: answers the 401 a ticket spent before gets, or the actor
 * without its ticket (for `acceptLive`). An object with costly work before the socket (the
 * operators' feed: its lease, stats and snapshot) spends it first, so that a replayed ticket
 * costs it nothing.
 *
 * @example
 * const spent = spendTicketOf(this.ctx, actor);
 * if (spent instanceof Response) return spent;
 */
export function spendTicketOf(ctx: DurableObjectState, actor: LiveActor): Response | LiveActor {
  const { ticketId, ...rest } = actor;
  if (ticketId && !spendTicket(ctx.storage.sql, ticketId, Date.now())) return new Response("ticket used already", { status: 401 });
  return rest;
}

/**
 * Accepts a hibernatable socket, sends `first` on it (a frame, or several in order), and answers
 * 101; a live ticket opened a socket here before is refused 401 (the gateway says so to the
 * client). Called once the object knows it exists and the actor may watch it: spending a ticket
 * writes. `attach`: what the object keeps on the socket beside the actor (the feed's topics).
 *
 * @example
 * return acceptLive(this.ctx, actor, JSON.stringify(ride));
 */
export function acceptLive(ctx: DurableObjectState, actor: LiveActor, first: string | readonly string[], attach: object = {}): Response {
  const spent = spendTicketOf(ctx, actor);
  if (spent instanceof Response) return spent;
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server, [actor.id]);
  server.serializeAttachment({ ...attach, actorId: actor.id, role: actor.role, since: Date.now(), until: actor.until });
  for (const frame of typeof first === "string" ? [first] : first) server.send(frame);
  for (const old of oldestBeyond(ctx.getWebSockets(actor.id), SOCKETS_PER_ACTOR)) closeWith(old, REPLACED);
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * The sockets of one actor beyond the newest `max`, oldest first (by when each was opened,
 * `since`; one with no time counts as oldest): those a new socket replaces.
 *
 * @example
 * for (const old of oldestBeyond(ctx.getWebSockets(actor.id), SOCKETS_PER_ACTOR)) old.close(1008, "replaced");
 */
export function oldestBeyond(sockets: readonly WebSocket[], max: number): WebSocket[] {
  const since = (ws: WebSocket) => (ws.deserializeAttachment() as { since?: number } | null)?.since ?? 0;
  return [...sockets].sort((a, b) => since(a) - since(b)).slice(0, Math.max(0, sockets.length - max));
}

/**
 * The sockets open on the object that may still be sent frames; the others (token expired, or
 * of a role `watchers` names and not one of its actors) are closed now.
 *
 * @example
 * for (const ws of openSockets(this.ctx.getWebSockets(), Date.now())) ws.send(frame);
 */
export function openSockets(sockets: readonly WebSocket[], now: number, watchers?: Watchers): WebSocket[] {
  return sockets.filter((ws) => {
    const why = refusal(attachedTo(ws), now, watchers);
    if (why) closeWith(ws, why);
    return why === null;
  });
}

/**
 * Sends `message` to every socket open on the object that may still watch it (`openSockets`),
 * and to a socket one of `views` is for, that view instead (`viewOf`). Never throws.
 */
export function broadcast(ctx: DurableObjectState, message: string, views?: readonly LiveView[], watchers?: Watchers): number {
  let sent = 0;
  for (const ws of openSockets(ctx.getWebSockets(), Date.now(), watchers)) {
    try {
      ws.send((views?.length ? viewOf(attachedTo(ws), views)?.message : undefined) ?? message);
      sent += 1;
    } catch {
      // a socket closing under us: the runtime will call webSocketClose
    }
  }
  return sent;
}

/**
 * Closes every socket on the object with 1000 and `reason`. For a ride that can no longer
 * change: the client has its last state, and a socket the object closes while awake does
 * not have to wake it again later (a client's late close would restart an evicted object).
 *
 * @example
 * if (isSettled(after.ride)) closeAll(this.ctx, "ride ended");
 */
export function closeAll(ctx: DurableObjectState, reason: string): void {
  for (const ws of ctx.getWebSockets()) closeWith(ws, { code: 1000, reason });
}

/** Answers the app's keep-alive pings (a socket past its token is closed instead); anything else a client sends is ignored. */
export function onLiveMessage(ws: WebSocket, message: string | ArrayBuffer): void {
  if (message === "ping" && openSockets([ws], Date.now()).length > 0) ws.send("pong");
}

export function onLiveClose(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
  } catch {
    // already closed
  }
}
