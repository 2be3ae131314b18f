import { afterEach, describe, expect, it, vi } from "vitest";
import type { RentalKeyMessage } from "../../src/domain/events";
import { fail, ok, type Outcome } from "../../src/lib/problem";
import { consumeRentalKeys, type RentalKeyDeps } from "./rental-keys";

const RENTAL = "rn_abcdefghijklmnopqrstuvw";

/** One message of `rental-keys`, with what the consumer did with it. */
function batchOf(rentalId: string) {
  const done = { acked: false, retried: false };
  const message = {
    id: "m1",
    timestamp: new Date(),
    attempts: 1,
    body: { rentalId, correlationId: "c1" } as RentalKeyMessage,
    ack: () => void (done.acked = true),
    retry: () => void (done.retried = true),
  };
  return { batch: { queue: "rental-keys", messages: [message] } as unknown as MessageBatch<RentalKeyMessage>, done };
}

const deps = (delivered: Outcome<unknown>): RentalKeyDeps => ({ issue: async () => ok("4821"), deliver: async () => delivered });
const lines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the rental keys consumer's log lines", () => {
  it("a key the rental took is logged issued, without the key", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { batch, done } = batchOf(RENTAL);
    await consumeRentalKeys(batch, deps(ok(null)));
    expect(done).toEqual({ acked: true, retried: false });
    expect(lines(log)).toEqual([{ msg: "rental key issued", rentalId: RENTAL, correlationId: "c1" }]);
  });

  it("a key for a rental no object holds is an error line, not 'issued', and is dropped", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { batch, done } = batchOf(RENTAL);
    await consumeRentalKeys(batch, deps(fail("not_found", "no such rental")));
    expect(done).toEqual({ acked: true, retried: false });
    expect(lines(log)).toEqual([]);
    expect(lines(error)).toEqual([{ msg: "key request for no rental", rentalId: RENTAL, correlationId: "c1" }]);
  });

  it("a rental that could not take its key now is retried", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { batch, done } = batchOf(RENTAL);
    await consumeRentalKeys(batch, deps(fail("unavailable", "busy")));
    expect(done).toEqual({ acked: false, retried: true });
    expect(lines(warn)).toMatchObject([{ msg: "rental key will retry", rentalId: RENTAL }]);
    expect(JSON.stringify(lines(warn))).not.toContain("4821");
  });
});
