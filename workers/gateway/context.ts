/** Hono environment of the gateway: bindings plus what the middleware puts on the context. */
import type { Actor } from "../../src/domain/types";

export interface GatewayEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The authenticated caller: set by `requireRole` (auth.ts), absent on unauthenticated routes. */
    actor?: Actor;
    /** When the caller's token expires (ms since the epoch): a live socket is closed then (src/durable-objects/live.ts). */
    tokenExpiresAt?: number;
    /** The live ticket a socket was opened with (`requireSocketRole`): the object spends it. */
    liveTicketId?: string;
  };
}

/** The environment of a route behind `requireRole`: the actor is always there. */
export interface AuthedEnv {
  Bindings: Env;
  Variables: { requestId: string; actor: Actor; tokenExpiresAt: number; liveTicketId?: string };
}
