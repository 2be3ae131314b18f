import { describe, expect, it } from "vitest";
import { isDeadLetterQueue } from "./dead-letters";

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
