/** Hono environment of the gateway: bindings plus what the middleware puts on the context. */
export interface GatewayEnv {
  Bindings: Env;
  Variables: { requestId: string };
}

