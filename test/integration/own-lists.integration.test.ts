/**
 * A rider's lists read from the views, with what only the rider may read: a parcel ride's
 * handover code (`listOwnRides`: opened from the copy the views keep sealed for the ride, else
 * asked of the ride; never on a taxi ride, never on the courier's list) and a confirmed rental's
 * unlock key (`listOwnRentals`: asked of the rental; never on the operators' list).
 */
import { describe, expect, it } from "vitest";
import type { Ride } from "../../src/domain/types";
import { applyWrites } from "../../src/views/projection";
import { rideWrites } from "../../workers/gateway/ledger-passes";
import { listOwnRides } from "../../workers/gateway/own-lists";
import { rideSnapshotOf, type RideSnapshot } from "../../workers/gateway/ride-snapshot";
import { listOwnRentals, listRentals } from "../../workers/gateway/rental-queries";
import { rentalWrites } from "../../workers/gateway/rental-repair";
import { unwrap } from "../../src/lib/problem";
import type { Rental } from "../../src/domain/rental/types";
import { createRide, rideInProgress, rideInput, testEnv, uniqueId } from "./helpers";
import { project } from "../../src/views/projection";
import { sealFor } from "../../src/lib/contact-crypto";
import { HANDOVER } from "../../workers/gateway/parcel";
import { created, idOf, payThroughWorker } from "./rentals";

const parcel = { view: { weightKg: 2, recipient: { name: "Lee" }, note: null }, handoverCode: "5930", recipientPhoneSealed: "sealed" };

/** Projects a ride as its object knows it now, as the views worker would. */
async function projected(rideId: string): Promise<RideSnapshot> {
  const snapshot = await rideSnapshotOf(testEnv, rideId);
  if (!snapshot) throw new Error(`no ride ${rideId}`);
  await applyWrites(testEnv.VIEWS_DB, rideWrites(snapshot));
  return snapshot;
}

describe("a rider's list of rides", () => {
  it("carries the sender's handover code on a parcel ride; a taxi ride has none, nor does the courier's list", async () => {
    const riderId = uniqueId("sender");
    const { ride: sent, driver } = await rideInProgress({ riderId, parcel });
    const { ride: taxi } = await createRide({ riderId });
    await projected(sent.id);
    await projected(taxi.id);

    const list = await listOwnRides(testEnv, { kind: "rider", id: riderId }, { limit: 20 });
    expect(list.items.map((r) => [r.id, r.handoverCode])).toEqual([
      [taxi.id, undefined],
      [sent.id, "5930"],
    ]);
    const courier = await listOwnRides(testEnv, { kind: "driver", id: driver.id }, { limit: 20 });
    expect(courier.items.map((r) => r.id)).toContain(sent.id);
    expect(JSON.stringify(courier.items)).not.toContain("handoverCode");
  });

  it("opens the code the views keep sealed for each parcel ride, asking no ride, a row the healing wrote too; a row without one, or with one sealed for another ride, asks its ride", async () => {
    const riderId = uniqueId("sender");
    const key = testEnv.CONTACT_KEY;
    // The request's path: the gateway seals the code for the ride it makes (workers/gateway/parcel.ts), the ride's views messages carry it.
    const sealedIn = rideInput({ riderId });
    const sealed = await sealFor(key, HANDOVER, sealedIn.rideId, "5930");
    const a = await createRide({ ...sealedIn, parcel: { ...parcel, handoverSealed: sealed } });
    const b = await createRide({ riderId, parcel: { ...parcel, handoverCode: "7777" } }); // requested before the views kept codes
    const c = await createRide({ riderId, parcel: { ...parcel, handoverCode: "4444" } });
    const write = async (ride: Ride, handoverSealed?: string) => {
      const snapshot = (await rideSnapshotOf(testEnv, ride.id))!;
      const last = snapshot.timeline[snapshot.timeline.length - 1]!;
      const events = [{ ...last, rideId: ride.id, causationId: null }];
      await project(testEnv.VIEWS_DB, [{ kind: "ride.events", events, ride: snapshot.ride, ...(handoverSealed ? { handoverSealed } : {}) }]);
    };
    await write(a.ride, sealed);
    await write(b.ride);
    await write(c.ride, sealed); // a copy sealed for ride a, in ride c's row: it does not open there
    // A healing of before the change wrote ride d's last version first, without a copy; the message with one, no newer, still gives it.
    const dIn = rideInput({ riderId });
    const d = await createRide({ ...dIn, parcel: { ...parcel, handoverCode: "1357", handoverSealed: await sealFor(key, HANDOVER, dIn.rideId, "1357") } });
    const { handoverSealed: _dropped, ...healedWithout } = (await rideSnapshotOf(testEnv, d.ride.id))!;
    await applyWrites(testEnv.VIEWS_DB, rideWrites(healedWithout));
    await write(d.ride, await sealFor(key, HANDOVER, dIn.rideId, "1357"));
    // Ride e's row was written by the healing alone (every message of it lost): the healing carries its object's copy.
    const eIn = rideInput({ riderId });
    const e = await createRide({ ...eIn, parcel: { ...parcel, handoverCode: "8642", handoverSealed: await sealFor(key, HANDOVER, eIn.rideId, "8642") } });
    expect((await projected(e.ride.id)).handoverSealed).toEqual(expect.any(String));
    const asked: string[] = [];
    const rides = testEnv.RIDE;
    const RIDE = {
      idFromName: (name: string) => (asked.push(name), rides.idFromName(name)),
      get: (id: DurableObjectId) => rides.get(id),
    } as unknown as Env["RIDE"];

    const list = await listOwnRides({ ...testEnv, RIDE }, { kind: "rider", id: riderId }, { limit: 20 });
    expect(list.items.map((r) => [r.id, r.handoverCode])).toEqual([
      [e.ride.id, "8642"],
      [d.ride.id, "1357"],
      [c.ride.id, "4444"],
      [b.ride.id, "7777"],
      [a.ride.id, "5930"],
    ]);
    expect(asked.sort()).toEqual([b.ride.id, c.ride.id].sort());
    // The row keeps its copy when a newer message without one (the healing's) rewrites it.
    unwrap(await a.stub.cancel({ id: riderId, role: "rider" }, "changed my mind", "req-cancel"));
    expect((await projected(a.ride.id)).ride.status).toBe("cancelled");
    asked.length = 0;
    const after = await listOwnRides({ ...testEnv, RIDE }, { kind: "rider", id: riderId }, { limit: 20 });
    expect(after.items.find((r) => r.id === a.ride.id)).toMatchObject({ status: "cancelled", handoverCode: "5930" });
    expect(asked).not.toContain(a.ride.id);
  });

  it("lists a parcel ride whose object does not answer for it without the code, and does not fail", async () => {
    const riderId = uniqueId("sender");
    const { ride } = await rideInProgress({ riderId, parcel });
    const snapshot = await projected(ride.id);
    // A views row whose id no Ride DO knows (as after the object's loss): the same snapshot under another ride id.
    const id = `rd_${uniqueId("o")
      .replace(/[^a-z0-9]/g, "")
      .padEnd(24, "0")
      .slice(0, 24)}`;
    const orphan: Ride = { ...snapshot.ride, id, createdAt: new Date(Date.parse(snapshot.ride.createdAt) + 1).toISOString() };
    await applyWrites(testEnv.VIEWS_DB, rideWrites({ ride: orphan, timeline: snapshot.timeline }));

    const list = await listOwnRides(testEnv, { kind: "rider", id: riderId }, { limit: 20 });
    expect(list.items.map((r) => [r.id, r.handoverCode])).toEqual([
      [orphan.id, undefined],
      [ride.id, "5930"],
    ]);
  });
});

/** Projects a rental (and its vehicle) as its object knows it now. */
async function projectedRental(rentalId: string): Promise<void> {
  const writes = await rentalWrites(testEnv, rentalId);
  if (!writes) throw new Error(`no rental ${rentalId}`);
  await applyWrites(testEnv.VIEWS_DB, writes);
}

describe("a rider's list of rentals", () => {
  it("carries a confirmed rental's unlock key for its rider; a cancelled one's is null, and the operators' list has none", async () => {
    const riderId = uniqueId("renter");
    const cancelled = await created({ riderId });
    unwrap(await cancelled.stub.cancel(cancelled.rider, "req-cancel"));
    const paid = await created({ riderId });
    await payThroughWorker(paid.stub);
    unwrap(await paid.stub.keyIssued("5930", "req-key"));
    await projectedRental(cancelled.i.rentalId);
    await projectedRental(paid.i.rentalId);

    const list = await listOwnRentals(testEnv, riderId, { limit: 20 });
    expect(list.items.map((r) => [r.id, r.status, r.unlockKey])).toEqual([
      [paid.i.rentalId, "confirmed", "5930"],
      [cancelled.i.rentalId, "cancelled", null],
    ]);
    const all = await listRentals(testEnv.VIEWS_DB, { limit: 100 });
    expect(all.items.find((r) => r.id === paid.i.rentalId)).toMatchObject({ status: "confirmed", unlockKey: null });
  });

  it("lists a confirmed rental whose object does not answer for it without the key, and does not fail", async () => {
    const riderId = uniqueId("renter");
    const paid = await created({ riderId });
    await payThroughWorker(paid.stub);
    unwrap(await paid.stub.keyIssued("5930", "req-key"));
    const writes = (await rentalWrites(testEnv, paid.i.rentalId))!;
    await applyWrites(testEnv.VIEWS_DB, writes);
    // The same snapshot under a rental id no Rental DO knows, a moment newer.
    const known = writes.find((w) => w.kind === "rental")!;
    if (known.kind !== "rental") throw new Error("no rental write");
    const orphan: Rental = { ...known.rental, id: idOf("rn"), createdAt: new Date(Date.parse(known.rental.createdAt) + 1).toISOString() };
    await applyWrites(testEnv.VIEWS_DB, [{ ...known, rental: orphan }]);

    const list = await listOwnRentals(testEnv, riderId, { limit: 20 });
    expect(list.items.map((r) => [r.id, r.unlockKey])).toEqual([
      [orphan.id, null],
      [paid.i.rentalId, "5930"],
    ]);
  });
});
