/**
 * The operators' open dues heal, inside workerd with the real Ride and Rider objects, the real
 * payment worker, views and ledger D1 and the gateway's cron: a ride ends unpaid and the Rider
 * DO's message to the views is lost (nothing consumes ride-events here), then the rider pays and
 * that message is lost too. Each time the repair sweep reads the rider's account from its object.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import gateway from "../../workers/gateway/index";
import { rebuildDeps, rebuildPage } from "../../workers/gateway/views-rebuild";
import { rideSnapshotOf, rideWrites, VIEWS_REPAIR_CRON } from "../../workers/gateway/views-repair";
import { OPEN_DUES_QUIET_MS } from "../../src/views/repair-store";
import { applyWrites } from "../../workers/views/projection";
import { rideDone } from "./payment-steps";
import { testEnv, uniqueId } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
/** Older than VIEWS_REPAIR_AFTER_S (120 s here): what a lost message's row looks like by the sweep's next minute. */
const longAgo = () => new Date(Date.now() - 10 * 60_000).toISOString();

const sweep = () => gateway.scheduled({ cron: VIEWS_REPAIR_CRON, scheduledTime: Date.now(), noRetry: () => undefined }, testEnv);
const duesRow = (riderId: string) =>
  testEnv.VIEWS_DB.prepare("SELECT amount, version, checked_at IS NOT NULL AS checked FROM rider_dues WHERE rider_id = ?").bind(riderId).first();

async function payDues(riderId: string) {
  const token = await issueToken(testEnv, { id: riderId, role: "rider" });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const res = await app.request("/v1/me/dues/pay", { method: "POST", headers, body: JSON.stringify({ paymentMethod: "pm_card_visa" }) }, testEnv, ctx);
  return res.status;
}

describe("the views' rider dues", () => {
  it("a ride that ended unpaid, its dues' message lost: the sweep projects the rider's dues; paid, and that message lost: the sweep clears them", async () => {
    const riderId = uniqueId("r");
    const { ride } = await rideDone({ riderId, paymentMethod: "pm_card_chargeDeclined" });
    const snapshot = (await rideSnapshotOf(testEnv, ride.id))!;
    expect(snapshot.ride).toMatchObject({ status: "completed", payment: { status: "failed" } });
    const fare = snapshot.ride.fare!;
    // The ride's own rows reached the views (its messages may come by another way: the ride sweep, a replay) ...
    await applyWrites(testEnv.VIEWS_DB, rideWrites(snapshot));
    await testEnv.VIEWS_DB.prepare("UPDATE rides SET updated_at = ? WHERE id = ?").bind(longAgo(), snapshot.ride.id).run();
    // ... but the rider's did not.
    expect(await duesRow(riderId)).toBeNull();

    await sweep();
    expect(await duesRow(riderId)).toEqual({ amount: fare.amount, version: 1, checked: 1 });

    expect(await payDues(riderId)).toBe(200);
    // The payment's message is lost too; the row stays open until the sweep looks again, once the dues were quiet for an hour (OPEN_DUES_QUIET_MS).
    await sweep();
    expect(await duesRow(riderId)).toMatchObject({ amount: fare.amount, version: 1 });
    const quiet = new Date(Date.now() - OPEN_DUES_QUIET_MS - 10 * 60_000).toISOString();
    await testEnv.VIEWS_DB.prepare("UPDATE rider_dues SET updated_at = ?1, checked_at = ?1 WHERE rider_id = ?2").bind(quiet, riderId).run();
    await sweep();
    expect(await duesRow(riderId)).toEqual({ amount: 0, version: 2, checked: 1 });
  });

  it("an emptied view gets the dues of the riders of rides that ended unpaid back with the rebuild", async () => {
    const riderId = uniqueId("r");
    const { ride } = await rideDone({ riderId, paymentMethod: "pm_card_chargeDeclined" });
    const snapshot = (await rideSnapshotOf(testEnv, ride.id))!;
    await applyWrites(testEnv.VIEWS_DB, rideWrites(snapshot));
    expect(await duesRow(riderId)).toBeNull();

    let cursor: Parameters<typeof rebuildPage>[1] | null = { source: "views", after: null };
    while (cursor?.source === "views") ({ next: cursor } = await rebuildPage(rebuildDeps(testEnv), cursor, 50));
    expect(await duesRow(riderId)).toEqual({ amount: snapshot.ride.fare!.amount, version: 1, checked: 0 });
  });
});
