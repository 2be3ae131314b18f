// The benchmark floor.
//  - `POST /` with `{"key": "..."}`: one RPC to the Durable Object named by the key, which does one
//    storage write and nothing else (`npm run bench:dispatch` measures it beside dispatch and
//    location ingest, to report them as ratios).
//  - `POST /op` with `{"key": "..."}`: one floor operation, the unit of `npm run bench:cost` (issue 16):
//    the object named by the key (a new one for a new key) does one storage write and sends one
//    queue message, which this worker's consumer takes alone (batches of one) and acks.
//  - `GET /consumed`: how many messages the consumer has acked since the worker started, so the
//    benchmark knows when every operation it sent has been consumed.
// (Plain JavaScript: the Node-side type check covers bench/ and knows no Workers types.)
import { DurableObject } from "cloudflare:workers";

let consumed = 0;

export class BenchFloor extends DurableObject {
  write(value) {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
    this.ctx.storage.sql.exec("INSERT INTO writes (value) VALUES (?)", value);
    return value;
  }

  async writeAndSend(key, value) {
    this.write(value);
    await this.env.FLOOR_QUEUE.send({ key, value }, { contentType: "json" });
    return value;
  }
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/consumed") return Response.json({ consumed });
    if (request.method !== "POST") return new Response('POST {"key": "..."} to / or /op', { status: 405 });
    const { key } = await request.json();
    if (typeof key !== "string" || key.length === 0) return Response.json({ error: "key: a non-empty string" }, { status: 400 });
    const stub = env.FLOOR.get(env.FLOOR.idFromName(key));
    if (pathname === "/op") await stub.writeAndSend(key, Date.now());
    else await stub.write(Date.now());
    return Response.json({ ok: true });
  },

  async queue(batch) {
    for (const message of batch.messages) {
      consumed++;
      message.ack();
    }
  },
};
