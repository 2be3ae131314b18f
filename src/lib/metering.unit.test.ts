import { beforeEach, describe, expect, it } from "vitest";
import { countedD1, countedStub, meterBatch } from "./metering";
import { meterEnv, metrics } from "./metrics";

/** A D1 stand-in: records what ran, answers rows_written 1 per write. */
function fakeD1() {
  const ran: string[] = [];
  const statement = (sql: string) => ({
    statement: sql,
    bind: () => statement(sql),
    run: async () => (ran.push(sql), { meta: { rows_written: /^select/i.test(sql) ? 0 : 1 } }),
    all: async () => (ran.push(sql), { results: [], meta: { rows_written: 0, duration: 0.5 } }),
  });
  const db = {
    prepare: (sql: string) => statement(sql),
    batch: async (sts: { statement: string }[]) => sts.map((s) => (ran.push(s.statement), { meta: { rows_written: 2, duration: 0.25 } })),
  };
  return { db: db as unknown as D1Database, ran };
}

describe("the counting wrappers, off", () => {
  it("hand back the stub itself while no development environment was seen", () => {
    const stub = { get: () => 1 };
    expect(countedStub(stub, {}, "rd_1")).toBe(stub);
    const env = { ENVIRONMENT: "production" };
    expect(meterBatch(env, "views", { queue: "ride-events", messages: [1] })).toBe(env);
  });
});

describe("the counting wrappers, in development", () => {
  const RIDE = { idFromName: () => "id" };
  const DISPATCH_CELL = { idFromName: () => "id" };
  beforeEach(() => {
    meterEnv({ ENVIRONMENT: "development", RIDE, DISPATCH_CELL });
    metrics.reset();
  });

  it("counts each stub call by binding, name and method, and answers what the stub answers", async () => {
    const stub = { id: "x", get: async (n: number) => n * 2, then: undefined };
    const counted = countedStub(stub, RIDE, "rd_1");
    expect(counted.id).toBe("x");
    expect(counted.then).toBeUndefined();
    // What the vitest pool reads to recognise a stub stays the stub's own.
    expect(counted.constructor).toBe(stub.constructor);
    expect(await counted.get(21)).toBe(42);
    await counted.get(1);
    expect(metrics.total("do:RIDE:get")).toBe(2);
    expect(metrics.snapshot().hottest.RIDE![0]).toMatchObject({ object: "RIDE:rd_1", total: 2 });
  });

  it("counts a dispatch cell's writes per cell too (listing and removing a driver), not its searches", async () => {
    const cell = countedStub({ upsert: async () => ({ waiting: [] }), remove: async () => undefined, nearby: async () => [] }, DISPATCH_CELL, "wydm2");
    await cell.upsert();
    await cell.remove();
    await cell.nearby();
    expect(metrics.total("cell-writes:wydm2")).toBe(2);
    expect(metrics.total("do:DISPATCH_CELL:nearby")).toBe(1);
  });

  it("counts D1 writes (statements, transactions, rows, the database's busy ms), and a read alone as a read with its busy ms", async () => {
    const { db, ran } = fakeD1();
    const d1 = countedD1(db, "VIEWS_DB");
    await d1.prepare("SELECT 1").all();
    await d1.prepare("INSERT INTO rides VALUES (?)").bind("a").run();
    await d1.batch([d1.prepare("INSERT INTO a VALUES (1)"), d1.prepare("update b set x = 1"), d1.prepare("SELECT 2")]);
    await d1.batch([d1.prepare("SELECT 3"), d1.prepare("select 4")]);
    expect(ran).toEqual(["SELECT 1", "INSERT INTO rides VALUES (?)", "INSERT INTO a VALUES (1)", "update b set x = 1", "SELECT 2", "SELECT 3", "select 4"]);
    expect(metrics.total("d1:VIEWS_DB:statements")).toBe(3);
    expect(metrics.total("d1:VIEWS_DB:transactions")).toBe(2);
    expect(metrics.total("d1:VIEWS_DB:rows")).toBe(7);
    expect(metrics.total("d1:VIEWS_DB:ms")).toBe(0.75);
    // The read alone (0.5 ms) and the batch of reads (2 × 0.25 ms); the SELECT inside the write batch is the write's.
    expect(metrics.total("d1:VIEWS_DB:reads")).toBe(2);
    expect(metrics.total("d1:VIEWS_DB:readMs")).toBe(1);
  });

  it("meterBatch counts the run and its messages, and wraps the D1 and queue bindings", async () => {
    const { db } = fakeD1();
    const sent: unknown[] = [];
    const queue = { send: async (b: unknown) => void sent.push(b), sendBatch: async (bs: unknown[]) => void sent.push(...bs) };
    const env = meterBatch({ ENVIRONMENT: "development", LEDGER_DB: db, PAYMENT_RESULTS_QUEUE: queue as unknown as Queue, N: 1 }, "payment", {
      queue: "ride-payments",
      messages: [1, 2, 3],
    });
    await env.LEDGER_DB.prepare("INSERT INTO x VALUES (1)").run();
    await env.PAYMENT_RESULTS_QUEUE.send({ ok: true });
    await env.PAYMENT_RESULTS_QUEUE.sendBatch([{ body: 1 }, { body: 2 }]);
    expect(sent).toHaveLength(3);
    expect(env.N).toBe(1);
    expect(metrics.snapshot().totals).toEqual({
      "consumer-messages:payment:ride-payments": 3,
      "consumer:payment:ride-payments": 1,
      "d1:LEDGER_DB:rows": 1,
      "d1:LEDGER_DB:statements": 1,
      "d1:LEDGER_DB:transactions": 1,
      "queue:sent:payment-results": 3,
    });
  });

  it("meterBatch leaves a service binding alone, though every property of an RPC stub looks like a function", async () => {
    const calls: string[] = [];
    const rpc = new Proxy({} as Record<string, unknown>, {
      get: (_target, name) =>
        Object.assign(async () => void calls.push(String(name)), {
          bind: () => {
            throw new Error("an RPC stub has no bind");
          },
        }),
    });
    const env = meterBatch({ ENVIRONMENT: "development", PAYMENTS: rpc }, "gateway", { queue: "ride-payment-results", messages: [1] });
    expect(env.PAYMENTS).toBe(rpc);
    await (env.PAYMENTS.recordDeadLetter as () => Promise<void>)();
    expect(calls).toEqual(["recordDeadLetter"]);
  });
});
