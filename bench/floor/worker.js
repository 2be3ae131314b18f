// The benchmark floor: `POST /` with `{"key": "..."}` makes one RPC to the Durable Object
// named by the key, which does one storage write and nothing else. `npm run bench:dispatch`
// measures it next to dispatch and location ingest, in the same run, to report them as ratios.
// (Plain JavaScript: the Node-side type check covers bench/ and knows no Workers types.)
import { DurableObject } from "cloudflare:workers";

export class BenchFloor extends DurableObject {
  write(value) {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
    this.ctx.storage.sql.exec("INSERT INTO writes (value) VALUES (?)", value);
    return value;
  }
}

export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response('POST {"key": "..."}', { status: 405 });
    const { key } = await request.json();
    if (typeof key !== "string" || key.length === 0) return Response.json({ error: "key: a non-empty string" }, { status: 400 });
    await env.FLOOR.get(env.FLOOR.idFromName(key)).write(Date.now());
    return Response.json({ ok: true });
  },
};
