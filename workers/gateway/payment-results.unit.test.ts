/**
 * The gateway's consumer of payment results, over a hand-made batch: a result is applied to
 * its ride; one marked `letGo` is not, and the ride's object is asked for its ledger rows
 * instead; either one not taken is retried, never acknowledged.
 */
import { describe, expect, it, vi } from "vitest";
import type { PaymentResult } from "../../src/domain/events";
import { fail, ok, type Outcome } from "../../src/lib/problem";
import { consumePaymentResults, type PaymentResultDeps } from "./payment-results";

const result = (patch: Partial<PaymentResult> = {}): PaymentResult => ({
  rideId: "rd_1",
  action: "settle",
  outcome: "succeeded",
  idempotencyKey: "rd_1:settle",
  providerRef: null,
  detail: null,
  ...patch,
});

function batchOf(bodies: PaymentResult[]) {
  const acked: string[] = [];
  const retried: string[] = [];
  const messages = bodies.map((body, i) => ({
    id: `m${i}`,
    body,
    attempts: 1,
    timestamp: new Date(),
    ack: () => void acked.push(`m${i}`),
    retry: () => void retried.push(`m${i}`),
  }));
  return { batch: { queue: "ride-payment-results", messages } as unknown as MessageBatch<PaymentResult>, acked, retried };
}

function depsAnswering(apply: Outcome<unknown>, bringBack: Outcome<unknown>) {
  const calls: string[] = [];
  const deps: PaymentResultDeps = {
    apply: async (r) => (calls.push(`apply ${r.rideId}`), apply),
    bringBack: async (rideId) => (calls.push(`bringBack ${rideId}`), bringBack),
    deadLetter: async () => undefined,
  };
  return { deps, calls };
}

describe("the payment results consumer", () => {
  it("a result marked letGo is not applied to the ride: its object brings the ledger rows back, and the message is done", async () => {
    const { deps, calls } = depsAnswering(ok(null), ok(null));
    const { batch, acked, retried } = batchOf([result({ outcome: "declined", letGo: true }), result({ rideId: "rd_2" })]);
    await consumePaymentResults(batch, deps);
    expect(calls).toEqual(["bringBack rd_1", "apply rd_2"]);
    expect(acked).toEqual(["m0", "m1"]);
    expect(retried).toEqual([]);
  });

  it("rows that could not be brought back (the ledger down) are asked again later: the message is retried", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { deps, calls } = depsAnswering(ok(null), fail("unavailable", "the payment ledger is unavailable"));
      const { batch, acked, retried } = batchOf([result({ outcome: "declined", letGo: true })]);
      await consumePaymentResults(batch, deps);
      expect(calls).toEqual(["bringBack rd_1"]);
      expect(acked).toEqual([]);
      expect(retried).toEqual(["m0"]);
    } finally {
      warn.mockRestore();
    }
  });

  it("a message with no result (a null body) is retried alone; the results after it in the batch are applied", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { deps, calls } = depsAnswering(ok(null), ok(null));
      const { batch, acked, retried } = batchOf([null as unknown as PaymentResult, result({ rideId: "rd_2" })]);
      await consumePaymentResults(batch, deps);
      expect([calls, acked, retried]).toEqual([["apply rd_2"], ["m1"], ["m0"]]);
    } finally {
      warn.mockRestore();
    }
  });
});
