import { describe, expect, it, vi } from "vitest";
import { isDeadLetterQueue, keepEachLetter } from "./dead-letters";

describe("isDeadLetterQueue", () => {
  it("knows a dead-letter queue in production and staging", () => {
    expect(isDeadLetterQueue("ride-payments-dlq")).toBe(true);
    expect(isDeadLetterQueue("ride-payments-dlq-staging")).toBe(true);
    expect(isDeadLetterQueue("ride-payment-results-dlq")).toBe(true);
  });
  it("does not take a working queue for one", () => {
    expect(isDeadLetterQueue("ride-payments")).toBe(false);
    expect(isDeadLetterQueue("ride-payments-staging")).toBe(false);
    expect(isDeadLetterQueue("dlq-watchers")).toBe(false);
  });
});

describe("keepEachLetter", () => {
  /** A dead-letter batch whose messages record how they were settled. */
  function batchOf(bodies: unknown[]) {
    const settled: string[] = [];
    const messages = bodies.map((body, i) => ({
      id: `m${i}`,
      body,
      attempts: 3,
      timestamp: new Date(0),
      ack: () => void settled.push(`m${i} ack`),
      retry: (o?: { delaySeconds?: number }) => void settled.push(`m${i} retry ${o?.delaySeconds}`),
    }));
    return { batch: { queue: "ride-payments-dlq", messages, ackAll: () => undefined, retryAll: () => undefined } as unknown as MessageBatch<unknown>, settled };
  }

  it("acks each letter once kept; one that could not be kept is retried alone, with back-off, never dropped", async () => {
    const { batch, settled } = batchOf([{ a: 1 }, null, { a: 3 }]);
    const kept: unknown[] = [];
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await keepEachLetter(batch, async (m) => {
      if (m.body === null) throw new Error("D1 down");
      kept.push(m.body);
    });
    expect(kept).toEqual([{ a: 1 }, { a: 3 }]);
    expect(settled).toEqual(["m0 ack", "m1 retry 8", "m2 ack"]);
    expect(errors.mock.calls.map((c) => JSON.parse(String(c[0])) as { msg: string; id: string })).toMatchObject([
      { msg: "dead letter not stored; will retry", id: "m1" },
    ]);
    errors.mockRestore();
  });
});
