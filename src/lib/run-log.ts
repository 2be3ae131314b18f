/**
 * One log line per consumer run for the messages it handled as expected, instead of one line
 * per message. A log line is not free: the isolate serialises it, and the log pipeline (Workers
 * Logs, Logpush) carries and stores it as an event of its own; under `wrangler dev` each line costs
 * about 2 ms of CPU in wrangler's log relay, a fifth of a floor operation (BENCHMARKS.md, 2026-12-02 evening).
 * Every message stays findable by its correlation id, which each item carries. A message that went
 * wrong (retried, dead-lettered) still gets a warning or error line of its own.
 *
 * @example
 * const done = new RunLog<{ rideId: string; correlationId: string }>("payment steps");
 * for (const m of batch.messages) { await handle(m.body); done.add({ rideId: m.body.rideId, correlationId: m.body.correlationId }); }
 * done.flush(); // {"msg":"payment steps","count":2,"items":[{…},{…}]}; nothing for an empty run
 */
export class RunLog<T> {
  private items: T[] = [];
  constructor(private readonly msg: string) {}

  add(item: T): void {
    this.items.push(item);
  }

  /** Logs the items added since the last flush, as one line; nothing when there are none. */
  flush(): void {
    if (this.items.length === 0) return;
    console.log(JSON.stringify({ msg: this.msg, count: this.items.length, items: this.items }));
    this.items = [];
  }
}
