/**
 * The Ride Durable Object in workerd: one transaction for state, events, outbox and
 * timers; the outbox relayed by the alarm, and retried by it when a queue send fails.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RideDurableObject } from "../../src/durable-objects/ride";
import type { QueueName } from "../../src/domain/events";
import type { DriverDurableObject } from "../../src/durable-objects/driver";
import { unwrap, type Outcome } from "../../src/lib/problem";
import { appendEvents, readEventLog, type TimelineItem } from "../../src/durable-objects/event-log";
import { SqliteOutbox } from "../../src/lib/outbox";
import { createRide, onlineDriver, rideInput, rideStub, sqlOf, testEnv, uniqueId, until } from "./helpers";

const rider = { id: "r1", role: "rider" as const };

function tables(sql: SqlStorage) {
  return {
    ride: sql
      .exec<{ record: string }>("SELECT record FROM ride")
      .toArray()
      .map((r) => JSON.parse(r.record) as { ride: { status: string; version: number } }),
    events: sql.exec<{ version: number; type: string }>("SELECT version, type FROM events ORDER BY position").toArray(),
    outbox: sql.exec<{ queue: string; body: string; attempts: number }>("SELECT queue, body, attempts FROM outbox ORDER BY seq").toArray(),
    timers: sql.exec<{ name: string; due_at: number }>("SELECT name, due_at FROM timers").toArray(),
  };
}

describe("Ride DO: atomic commits", () => {
  it("a new ride writes its state, first event, outbox messages and timers together", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    // Hold the queue so the outbox can be looked at before the alarm relays it.
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async () => {
        throw new Error("held for inspection");
      };
    });
    await stub.create(input);
    await runInDurableObject(stub, (_instance: RideDurableObject, state) => {
      const t = tables(state.storage.sql);
      expect(t.ride).toHaveLength(1);
      // Requested and already dispatching, in one commit: its first round needs no commit to start.
      expect(t.ride[0]!.ride).toMatchObject({ status: "dispatching", version: 1 });
      expect(t.events).toEqual([
        { version: 1, type: "RideRequested" },
        { version: 1, type: "DispatchStarted" },
      ]);
      const queues = t.outbox.map((m) => m.queue).sort();
      expect(queues).toEqual(["payments", "ride-events"]);
      const payment = JSON.parse(t.outbox.find((m) => m.queue === "payments")!.body) as { action: string; idempotencyKey: string; amount: { amount: number } };
      expect(payment).toMatchObject({ action: "authorize", idempotencyKey: `${input.rideId}:authorize`, amount: { amount: 12800 } });
      // The dispatch round (due now) and the deadline; the messages ride on them should the object die before its relay.
      expect(t.timers.map((x) => x.name).sort()).toEqual(expect.arrayContaining(["deadline", "dispatch"]));
    });
  });

  it("a failure inside the commit leaves state, events and outbox exactly as they were", async () => {
    const { stub, input } = await createRide();
    await runInDurableObject(stub, async (instance: RideDurableObject, state) => {
      const before = tables(state.storage.sql);
      const outbox = (instance as unknown as { outbox: { add: (q: QueueName, b: unknown) => void } }).outbox;
      const realAdd = outbox.add.bind(outbox);
      let calls = 0;
      outbox.add = (queue, body) => {
        calls += 1;
        if (calls === 2) throw new Error("disk full");
        realAdd(queue, body);
      };
      await expect(instance.cancel(rider, "test", "req-x")).rejects.toThrow("disk full");
      outbox.add = realAdd;
      const after = tables(state.storage.sql);
      expect(calls).toBe(2);
      expect(after.ride).toEqual(before.ride);
      expect(after.events).toEqual(before.events);
      expect(after.outbox.length).toBe(before.outbox.length);
      // and the command still works once the fault is gone
      const retried = await instance.cancel(rider, "test", "req-y");
      expect(retried.ok && retried.value.status).toBe("cancelled");
    });
    expect(input.rideId).toMatch(/^rd_/);
  });

  it("a refused command changes nothing", async () => {
    const { stub } = await createRide();
    const look = () => runInDurableObject(stub, (_i: RideDurableObject, state) => tables(state.storage.sql));
    const before = await look();
    // RideRequested, then the first dispatch round's DispatchStarted.
    expect(before.events.map((e) => e.type)).toEqual(["RideRequested", "DispatchStarted"]);
    const refused = await stub.advance("d1", "start", {}, "req");
    expect(refused.ok).toBe(false);
    const after = await look();
    expect(after.ride).toEqual(before.ride);
    expect(after.events).toEqual(before.events);
  });
});

describe("Ride DO: an event log written before events had a position", () => {
  it("is brought to the new shape once when the object starts; its events keep their versions and the next change goes on from the ride's", async () => {
    const { stub } = await createRide();
    await runInDurableObject(stub, (_instance: RideDurableObject, state) => {
      const sql = state.storage.sql;
      type Row = { id: string; type: string; occurred_at: string; correlation_id: string; data: string };
      const rows = sql.exec<Row>("SELECT id, type, occurred_at, correlation_id, data FROM events ORDER BY position").toArray();
      // The log and the ride as the code before wrote them: keyed by version, one version per event.
      sql.exec("DROP TABLE events");
      sql.exec(`CREATE TABLE events (version INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, occurred_at TEXT NOT NULL,
        correlation_id TEXT NOT NULL, causation_id TEXT, data TEXT NOT NULL)`);
      rows.forEach((r, i) =>
        sql.exec(
          "INSERT INTO events (version, id, type, occurred_at, correlation_id, causation_id, data) VALUES (?, ?, ?, ?, ?, NULL, ?)",
          i + 1,
          r.id,
          r.type,
          r.occurred_at,
          r.correlation_id,
          r.data,
        ),
      );
      sql.exec("UPDATE ride SET record = json_set(record, '$.ride.version', ?)", rows.length);
      new RideDurableObject(state, testEnv);
      new RideDurableObject(state, testEnv);
    });
    const cancelled = unwrap(await stub.cancel(rider, "changed my mind", "req-old-log"));
    // RPC's type of a timeline loses the Outcome's discriminant (see routes/rides.ts); the value is one.
    const timeline = unwrap((await stub.timeline(rider)) as Outcome<TimelineItem[]>);
    expect(timeline.map((e) => [e.type, e.version])).toEqual([["RideRequested", 1], ["DispatchStarted", 2], ...timeline.slice(2).map((e) => [e.type, 3])]);
    expect(timeline.slice(2).map((e) => e.type)).toContain("RideCancelled");
    expect(cancelled.version).toBe(3);
  });
});

describe("Ride DO: the event log's guard and the code before", () => {
  it("a commit whose version is not past the log's last throws and adds nothing; an insert as the code before wrote it still lands and reads", async () => {
    const { stub } = await createRide();
    await runInDurableObject(stub, (_instance: RideDurableObject, state) => {
      const sql = state.storage.sql;
      const before = readEventLog(sql);
      const last = before.at(-1)!;
      const stale = {
        id: uniqueId("ev"),
        type: "RideCancelled",
        version: last.version,
        occurredAt: new Date().toISOString(),
        correlationId: "c",
        causationId: null,
        data: {},
      };
      expect(() => state.storage.transactionSync(() => appendEvents(sql, [stale]))).toThrow(/not past the log's/);
      expect(readEventLog(sql)).toEqual(before);
      // The code before named `version` as the key on insert: on the new shape the position is given.
      sql.exec(
        "INSERT INTO events (version, id, type, occurred_at, correlation_id, causation_id, data) VALUES (?, ?, ?, ?, ?, NULL, ?)",
        last.version + 1,
        "ev-old-code",
        "RideCancelled",
        new Date().toISOString(),
        "c",
        "{}",
      );
      expect(
        readEventLog(sql)
          .map((e) => [e.id, e.version])
          .at(-1),
      ).toEqual(["ev-old-code", last.version + 1]);
    });
  });
});

describe("Ride DO: the outbox relay", () => {
  it("a slow queue does not hold the rider's request: the creation answers before the relay ends", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    let relayed = 0;
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async () => {
        await new Promise((r) => setTimeout(r, 1500));
        relayed += 1;
      };
    });
    const started = Date.now();
    unwrap(await stub.create(input));
    const answeredInMs = Date.now() - started;
    expect(relayed).toBe(0);
    expect(answeredInMs).toBeLessThan(1000);
    await until(async () => (relayed > 0 ? true : undefined), "the slow relay", 5000);
  });

  it("the sent rows of every queue are deleted after all the sends ended, more than one statement binds among them; a failed queue's stay", async () => {
    const stub = rideStub(rideInput().rideId);
    await runInDurableObject(stub, async (instance: RideDurableObject) => {
      const outbox = new SqliteOutbox(sqlOf(instance));
      for (let n = 0; n < 150; n++) outbox.add("ride-events", { n });
      for (let n = 0; n < 30; n++) outbox.add("payments", { n });
      for (let n = 0; n < 5; n++) outbox.add("notifications", { n });
      const batches: { queue: QueueName; size: number; leftWhenSent: number }[] = [];
      const result = await outbox.relay(async (queue, bodies) => {
        // Nothing is deleted while any send is still going: the rows are all still there.
        batches.push({ queue, size: bodies.length, leftWhenSent: outbox.size() });
        if (queue === "notifications") throw new Error("notifications queue down");
      }, Date.now());
      expect(batches.map((b) => `${b.queue}:${b.size}`).sort()).toEqual(["notifications:5", "payments:30", "ride-events:100", "ride-events:50"]);
      expect(batches.every((b) => b.leftWhenSent === 185)).toBe(true);
      expect(result).toMatchObject({ sent: 180, failed: 5 });
      expect(result.retryAt).not.toBeNull();
      const left = tables(sqlOf(instance)).outbox;
      expect(left.map((m) => m.queue)).toEqual(Array(5).fill("notifications"));
      expect(left.every((m) => m.attempts === 1)).toBe(true);
    });
  });

  it("a queue send that hangs before it fails is retried its back-off after the failure, not after the relay's start (at once)", async () => {
    const stub = rideStub(rideInput().rideId);
    await runInDurableObject(stub, async (instance: RideDurableObject) => {
      const outbox = new SqliteOutbox(sqlOf(instance));
      outbox.add("notifications", { n: 1 });
      const started = Date.now();
      const result = await outbox.relay(async () => {
        await new Promise((resolve) => setTimeout(resolve, 700));
        throw new Error("notifications queue hung, then down");
      }, started);
      expect(result.failed).toBe(1);
      // The first back-off is half a second: from the failure, 700 ms after the start.
      expect(result.retryAt).toBeGreaterThanOrEqual(started + 700 + 500);
    });
  });

  it("a failed queue send stays in the outbox and is retried by the alarm until it goes through", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    const sent: { queue: QueueName; bodies: unknown[] }[] = [];
    let failures = 0;
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async () => {
        failures += 1;
        throw new Error("queue unavailable");
      };
    });
    await stub.create(input);
    // The alarm runs the relay; it fails and leaves everything in place with a retry due.
    await until(async () => (failures > 0 ? true : undefined), "a failed send");
    await runInDurableObject(stub, async (_i: RideDurableObject, state) => {
      const t = tables(state.storage.sql);
      // RideRequested and DispatchStarted (one commit), plus the hold.
      expect(t.outbox.map((m) => m.queue)).toEqual(expect.arrayContaining(["payments", "ride-events"]));
      expect(Math.max(...t.outbox.map((m) => m.attempts))).toBeGreaterThanOrEqual(1);
      expect(t.timers.find((x) => x.name === "outbox")!.due_at).toBeGreaterThan(Date.now() - 1000);
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    // The queue comes back: the next alarm delivers everything, once.
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async (queue, bodies) => {
        sent.push({ queue, bodies });
      };
    });
    await until(async () => {
      await runDurableObjectAlarm(stub);
      return runInDurableObject(stub, (_i: RideDurableObject, state) => (tables(state.storage.sql).outbox.length === 0 ? true : undefined));
    }, "the outbox to drain");
    const bodies = sent.flatMap((s) =>
      s.bodies.map((b) => ({ queue: s.queue, body: b as { kind: string; events?: { type: string; version: number }[]; action?: string } })),
    );
    expect(bodies.filter((b) => b.queue === "payments").map((b) => b.body.action)).toEqual(["authorize"]);
    // One message per commit, carrying the commit's events: the creation's two in one (no driver here, so no other commit).
    expect(bodies.filter((b) => b.queue === "ride-events").map((b) => b.body.kind)).toEqual(["ride.events"]);
    const events = bodies.filter((b) => b.queue === "ride-events").flatMap((b) => b.body.events!);
    expect(events.map((e) => e.type)).toEqual(["RideRequested", "DispatchStarted"]);
    expect(events.map((e) => e.version)).toEqual([1, 1]);
    expect(failures).toBeGreaterThanOrEqual(1);
  });
});

describe("Ride DO: the alarm after a crash", () => {
  it("a timer with no alarm (a crash between the commit and setAlarm) is re-armed when the object starts again", async () => {
    const { stub } = await createRide();
    const dueAt = Date.now() + 60_000;
    await runInDurableObject(stub, async (_instance: RideDurableObject, state) => {
      state.storage.sql.exec("DELETE FROM timers");
      state.storage.sql.exec("INSERT INTO timers (name, due_at, payload) VALUES ('deadline', ?, NULL)", dueAt);
      await state.storage.deleteAlarm();
      expect(await state.storage.getAlarm()).toBeNull();
      // The next start of the object, over the same storage: what the runtime does after a crash.
      new RideDurableObject(state, testEnv);
      expect(await until(async () => (await state.storage.getAlarm()) ?? undefined, "the alarm", 3000)).toBe(dueAt);
    });
  });
});

describe("Ride DO: the relay's fallback", () => {
  it("a commit writes the `outbox` timer only when the ride has no other timer to start it again", async () => {
    const input = rideInput();
    const stub = rideStub(input.rideId);
    // Every send waits for the test: the relay after each commit is still running while the tables are read.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let sends = 0;
    await runInDurableObject(stub, (instance: RideDurableObject) => {
      instance.send = async () => {
        sends += 1;
        await held;
      };
    });
    const look = () =>
      runInDurableObject(stub, (_i: RideDurableObject, state) => {
        const t = tables(state.storage.sql);
        return {
          outbox: t.outbox.length,
          fallback: t.timers.some((x) => x.name === "outbox"),
          others: t.timers.filter((x) => x.name !== "outbox").map((x) => x.name),
        };
      });
    unwrap(await stub.create(input));
    await until(async () => (sends > 0 ? true : undefined), "the relay started");
    const created = await look();
    // Unsent messages, and the deadline and the dispatch round to start the ride again: no fallback.
    expect(created.outbox).toBeGreaterThan(0);
    expect(created.others).toEqual(expect.arrayContaining(["deadline", "dispatch"]));
    expect(created.fallback).toBe(false);

    // The card declined: the ride ends with nothing left to do, no timer to start it again, so the fallback is written.
    const declined = await stub.applyPaymentResult({
      rideId: input.rideId,
      action: "authorize",
      outcome: "declined",
      idempotencyKey: `${input.rideId}:authorize`,
      providerRef: null,
      detail: "card_declined",
    });
    expect(declined.ok).toBe(true);
    expect(unwrap(await stub.get(rider)).status).toBe("cancelled");
    const ended = await look();
    expect(ended.outbox).toBeGreaterThan(0);
    expect(ended.others).toEqual([]);
    expect(ended.fallback).toBe(true);

    // The queue takes them: outbox empty, fallback cleared, no alarm left.
    release();
    const settled = await until(
      () =>
        runInDurableObject(stub, async (_i: RideDurableObject, state) => {
          const t = tables(state.storage.sql);
          return t.outbox.length === 0 && t.timers.length === 0 ? { alarm: await state.storage.getAlarm() } : undefined;
        }),
      "the outbox relayed",
      5000,
    );
    expect(settled.alarm).toBeNull();
  });

  it("messages a dead instance left unsent, with no `outbox` timer, are relayed when the object starts again", async () => {
    const { stub } = await createRide();
    const sent: unknown[] = [];
    await runInDurableObject(stub, async (instance: RideDurableObject, state) => {
      instance.send = async (_queue, bodies) => void sent.push(...bodies);
      // What an instance that died between its commit and its relay leaves: a message, and only the ride's own timers.
      state.storage.sql.exec("DELETE FROM outbox");
      state.storage.sql.exec("DELETE FROM timers WHERE name = 'outbox'");
      state.storage.sql.exec("INSERT INTO outbox (queue, body) VALUES ('notifications', ?)", JSON.stringify({ left: "by the dead instance" }));
      // The next start of the object, over the same storage: it sets the `outbox` timer due now, and the alarm relays.
      new RideDurableObject(state, testEnv);
    });
    // Without that, nothing here would relay it: the alarm (run now by force) finds only the deadline, a minute away.
    await until(
      async () => {
        await runDurableObjectAlarm(stub);
        return sent.some((b) => JSON.stringify(b).includes("by the dead instance")) ? true : undefined;
      },
      "the leftover relayed",
      3000,
    );
    await runInDurableObject(stub, (_i: RideDurableObject, state) => expect(tables(state.storage.sql).outbox).toEqual([]));
  });
});

describe("Aggregates: the relay right after a commit", () => {
  it("a driver's change reaches the queue with no alarm run for it: the outbox is empty, no fallback timer, the alarm the silent timer's", async () => {
    const driver = await onlineDriver({ lat: 35.5, lng: 128.5 });
    const state = () =>
      runInDurableObject(driver.stub, async (_i: DriverDurableObject, s) => ({
        outbox: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n,
        timers: s.storage.sql.exec<{ name: string; due_at: number }>("SELECT name, due_at FROM timers").toArray(),
        alarm: await s.storage.getAlarm(),
      }));
    const settled = await until(
      async () => {
        const now = await state();
        return now.outbox === 0 ? now : undefined;
      },
      "the outbox relayed",
      1500,
    );
    expect(settled.timers.map((t) => t.name)).toEqual(["silent"]);
    expect(settled.alarm).toBe(settled.timers[0]!.due_at);
  });
});

describe("Ride DO: a payment result's events", () => {
  it("carry the correlation id of the request that asked for the step; a result without one (an older worker's), the ride's", async () => {
    const correlationOf = async (rideId: string, type: string) =>
      runInDurableObject(
        rideStub(rideId),
        (_instance: RideDurableObject, state) =>
          state.storage.sql.exec<{ correlation_id: string }>("SELECT correlation_id FROM events WHERE type = ?", type).one().correlation_id,
      );
    const held = (rideId: string) =>
      ({ rideId, action: "authorize", outcome: "succeeded", idempotencyKey: `${rideId}:authorize`, providerRef: "pi_1", detail: null }) as const;
    const asked = rideInput();
    await rideStub(asked.rideId).create(asked);
    expect((await rideStub(asked.rideId).applyPaymentResult({ ...held(asked.rideId), correlationId: "req-asked-the-hold" })).ok).toBe(true);
    expect(await correlationOf(asked.rideId, "PaymentAuthorized")).toBe("req-asked-the-hold");
    const found = rideInput();
    await rideStub(found.rideId).create(found);
    expect((await rideStub(found.rideId).applyPaymentResult(held(found.rideId))).ok).toBe(true);
    expect(await correlationOf(found.rideId, "PaymentAuthorized")).toBe(found.correlationId);
  });
});
