/** After a 5xx Stripe may replay for a day: the intent read, the step answered done, sent again to an open hold only. */
import { describe, expect, it } from "vitest";
import { ProviderUnavailable, type ProviderOutcome } from "./provider";
import { afterServerErrorKey, capturedFor, StripeServerError, surviveReplayedErrors, type StripeIntentState } from "./stripe-errors";

const NOW = Date.parse("2026-12-07T10:00:00Z");

/** A capture of 8000 on pi_1 whose first send is answered a saved 500, and the intent as `read` shows it. */
async function captureAfter500(read: () => Promise<StripeIntentState>) {
  const keys: string[] = [];
  const step = async (key: string): Promise<ProviderOutcome> => {
    keys.push(key);
    if (keys.length === 1) throw new StripeServerError("stripe answered 500");
    return { outcome: "succeeded", ref: "pi_1" };
  };
  const outcome = await surviveReplayedErrors("rd_1:capture", step, read, capturedFor("pi_1", 8000), NOW).catch((error: unknown) => error);
  return { outcome, keys };
}

describe("a capture answered a 5xx Stripe saved under its key", () => {
  it("is answered done when the intent shows it captured for its amount, with no second send", async () => {
    const { outcome, keys } = await captureAfter500(async () => ({ id: "pi_1", status: "succeeded", amount_received: 8000 }));
    expect(outcome).toEqual({ outcome: "succeeded", ref: "pi_1" });
    expect(keys).toEqual(["rd_1:capture"]);
  });

  it("is sent again under the hour's key when the hold is still open", async () => {
    const { outcome, keys } = await captureAfter500(async () => ({ id: "pi_1", status: "requires_capture", amount_received: 0 }));
    expect(outcome).toEqual({ outcome: "succeeded", ref: "pi_1" });
    expect(keys).toEqual(["rd_1:capture", afterServerErrorKey("rd_1:capture", NOW)]);
  });

  it("stays unavailable, sent nowhere, when the intent is in any other state (processing, captured for another amount) or cannot be read", async () => {
    for (const intent of [
      { id: "pi_1", status: "processing" },
      { id: "pi_1", status: "succeeded", amount_received: 5000 },
      { id: "pi_1", status: "canceled" },
    ]) {
      const { outcome, keys } = await captureAfter500(async () => intent);
      expect(outcome, intent.status).toBeInstanceOf(StripeServerError);
      expect(keys, intent.status).toEqual(["rd_1:capture"]);
    }
    const unread = await captureAfter500(async () => Promise.reject(new ProviderUnavailable("stripe answered 500")));
    expect(unread.outcome).toBeInstanceOf(ProviderUnavailable);
    expect(unread.keys).toEqual(["rd_1:capture"]);
  });

  it("a refusal or a timeout (not a 5xx) is thrown as it came, the intent not read", async () => {
    let read = 0;
    const timeout = new ProviderUnavailable("stripe unreachable");
    const thrown = await surviveReplayedErrors(
      "k",
      async () => Promise.reject(timeout),
      async () => (read++, {}),
      capturedFor("pi_1", 1),
      NOW,
    ).catch((e: unknown) => e);
    expect([thrown, read]).toEqual([timeout, 0]);
  });
});
