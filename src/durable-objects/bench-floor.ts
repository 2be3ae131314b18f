/**
 * The benchmark floor: a bare Durable Object RPC that does one storage write and
 * nothing else. `npm run bench:dispatch` measures it next to dispatch and location
 * ingest, in the same run, to report them as ratios. Reached only through the
 * development-only route POST /v1/dev/bench/floor.
 */
import { DurableObject } from "cloudflare:workers";

export class BenchFloorDurableObject extends DurableObject<Env> {
  write(value: number): number {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS writes (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)");
    this.ctx.storage.sql.exec("INSERT INTO writes (value) VALUES (?)", value);
    return value;
  }
}
