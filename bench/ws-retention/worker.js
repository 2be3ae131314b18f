// `GET /rpc/{name}`: one RPC to a new object, which writes one row.
// `GET /ws/{name}` (upgrade): the new object writes one row and accepts a hibernatable socket,
// sends "hi"; the client then closes it. The two differ only by the socket.
import { DurableObject } from "cloudflare:workers";

export class Probe extends DurableObject {
  touch() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT)");
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO t VALUES (1, ?)", new Date().toISOString());
    return 1;
  }

  async fetch() {
    this.touch();
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.send("hi");
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "bye");
    } catch {
      // already closed
    }
  }
}

export default {
  async fetch(request, env) {
    const [, kind, name] = new URL(request.url).pathname.split("/");
    const stub = env.OBJECT.get(env.OBJECT.idFromName(`${kind}-${name}`));
    if (kind === "ws") return stub.fetch(request);
    if (kind === "rpc") return new Response(String(await stub.touch()));
    return new Response("GET /rpc/{name} or /ws/{name}", { status: 404 });
  },
};
