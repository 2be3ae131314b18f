/**
 * The console's ride page load (web/console/ride-load.ts): the ride and its timeline or nothing;
 * the payment ledger and the notifications each on their own, so that one of them down leaves
 * the ride and its actions on the page.
 */
import { describe, expect, it } from "vitest";
import { ProblemError } from "../web/console/api";
import { loadRide } from "../web/console/ride-load";

const ride = { id: "rd_1", status: "in_progress" };

/** Answers each path's body, or throws its error. */
const reader =
  (answers: Record<string, unknown>) =>
  async <T>(path: string): Promise<T> => {
    const key = Object.keys(answers).find((k) => path.startsWith(k));
    const answer = key === undefined ? new Error(`unexpected ${path}`) : answers[key];
    if (answer instanceof Error) throw answer;
    return answer as T;
  };

describe("the ride page's load", () => {
  it("keeps the ride and its timeline when the payments or the notifications cannot be read, with each one's error", async () => {
    const down = new ProblemError(503, { code: "unavailable", detail: "the payment worker did not answer" });
    const page = await loadRide(
      "rd_1",
      reader({
        "/v1/rides/rd_1/events": { items: [{ type: "RideRequested" }] },
        "/v1/rides/rd_1": ride,
        "/v1/ops/rides/rd_1/payments": down,
        "/v1/ops/notifications?rideId=rd_1": { items: [{ id: "nt_1" }], nextCursor: null },
      }),
    );
    expect(page.ride).toEqual(ride);
    expect(page.events).toHaveLength(1);
    expect(page.payments).toEqual({ items: null, error: expect.stringContaining("did not answer") });
    expect(page.notifications).toEqual({ items: [{ id: "nt_1" }], error: null });
  });

  it("fails as a whole when the ride itself cannot be read", async () => {
    await expect(loadRide("rd_1", reader({ "/v1/rides/rd_1": new Error("gone"), "/v1/ops": { items: [] } }))).rejects.toThrow("gone");
  });
});
