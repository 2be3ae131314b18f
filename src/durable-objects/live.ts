/**
 * Live WebSockets on a Durable Object, with hibernation: the object accepts the
 * socket through the runtime (`acceptWebSocket`), so an idle connection keeps no
 * isolate awake and costs nothing. The gateway authenticates the request and passes
 * the actor in headers; the object decides whether that actor may watch it.
 */
import type { Actor, Role } from "../domain/types";
import type { LiveView } from "../kernel/machine";

/** The first of `views` for the socket's actor (the attachment `acceptLive` wrote): by role, and by actor if the view names one. */
function viewOf(ws: WebSocket, views: readonly LiveView[]): LiveView | undefined {
  const attached = ws.deserializeAttachment() as { actorId?: string; role?: string } | null;
  return views.find((v) => attached?.role === v.role && (v.actorId === undefined || attached.actorId === v.actorId));
}

const ROLES = new Set<Role>(["rider", "driver", "ops"]);

/** The actor the gateway authenticated, from the internal request it forwards. */
export function actorFromHeaders(request: Request): Actor | null {
  const id = request.headers.get("x-actor-id");
  const role = request.headers.get("x-actor-role") as Role | null;
  return id && role && ROLES.has(role) ? { id, role } : null;
}

/** The internal request that hands a WebSocket upgrade to a Durable Object. */
export function liveRequest(url: string, actor: Actor): Request {
  return new Request(url, { headers: { upgrade: "websocket", "x-actor-id": actor.id, "x-actor-role": actor.role } });
}

/**
 * Accepts a hibernatable socket, sends `first` on it, and answers 101.
 *
 * @example
 * return acceptLive(this.ctx, actor, JSON.stringify(ride));
 */
export function acceptLive(ctx: DurableObjectState, actor: Actor, first: string): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  ctx.acceptWebSocket(server, [actor.id]);
  server.serializeAttachment({ actorId: actor.id, role: actor.role, since: Date.now() });
  server.send(first);
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * Sends `message` to every socket open on the object (or those tagged `tag`), and to a socket
 * one of `views` is for, that view instead (`viewOf`). Never throws.
 */
export function broadcast(ctx: DurableObjectState, message: string, tag?: string, views?: readonly LiveView[]): number {
  let sent = 0;
  for (const ws of ctx.getWebSockets(tag)) {
    try {
      ws.send((views?.length ? viewOf(ws, views)?.message : undefined) ?? message);
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
  for (const ws of ctx.getWebSockets()) {
    try {
      ws.close(1000, reason);
    } catch {
      // already closing
    }
  }
}

/** Answers the app's keep-alive pings; anything else a client sends is ignored. */
export function onLiveMessage(ws: WebSocket, message: string | ArrayBuffer): void {
  if (message === "ping") ws.send("pong");
}

export function onLiveClose(ws: WebSocket, code: number): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
  } catch {
    // already closed
  }
}
