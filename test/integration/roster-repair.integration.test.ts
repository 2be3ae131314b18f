/**
 * The sweep's roster pass inside workerd, with the real gateway routes, Driver, RentalVehicle and
 * Fleet objects and the views D1: a driver or a vehicle whose first message never reached the
 * views (no row, no money, so no other pass finds them) is listed in the fleet at registration,
 * and projected from their object when the pass reaches them.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DriverDurableObject } from "../../src/durable-objects/driver";
import { driverStub, fleetStub } from "../../src/durable-objects/stubs";
import { createApp } from "../../workers/gateway/app";
import { issueToken } from "../../workers/gateway/auth";
import { repairRoster } from "../../workers/gateway/roster-repair";
import { rosterDeps } from "../../workers/gateway/views-repair";
import { testEnv, uniqueId, until } from "./helpers";

const app = createApp();
const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;

async function call<T>(method: string, path: string, actor: { id: string; role: "ops" | "driver" | "rider" }, body?: unknown) {
  const headers = { "content-type": "application/json", authorization: `Bearer ${await issueToken(testEnv, actor)}` };
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, testEnv, ctx);
  return { status: res.status, body: (await res.json()) as T };
}

const rowOf = (table: "drivers" | "rental_vehicles", id: string) =>
  testEnv.VIEWS_DB.prepare(`SELECT id, version FROM ${table} WHERE id = ?`).bind(id).first<{ id: string; version: number }>();

/** Runs the pass until `id`'s row is there (the walk goes round the whole fleet). */
const passUntilRow = (table: "drivers" | "rental_vehicles", id: string) =>
  until(async () => {
    await repairRoster(rosterDeps(testEnv));
    return (await rowOf(table, id)) ?? undefined;
  }, `the row of ${id}`);

describe("the roster pass", () => {
  it("a driver whose registration never reached the views is listed in the fleet, then projected and on the operators' list", async () => {
    const driverId = uniqueId("d");
    // Their object's messages go nowhere: the registration's is lost.
    await runInDurableObject(driverStub(testEnv, driverId), (instance: DriverDurableObject) => {
      instance.send = async () => undefined;
    });
    const registered = await call(
      "PUT",
      "/v1/drivers/me",
      { id: driverId, role: "driver" },
      {
        name: "Roster Kim",
        vehicle: { plate: "12가3456", model: "Avante", product: "standard" },
      },
    );
    expect(registered.status).toBe(200);
    expect(await rowOf("drivers", driverId)).toBeNull();
    expect(await fleetStub(testEnv).pageOf("drivers", null, 10_000)).toContain(driverId);

    const version = (await driverStub(testEnv, driverId).get())?.version;
    expect(await passUntilRow("drivers", driverId)).toEqual({ id: driverId, version });
    const listed = await call<{ items: { id: string }[] }>("GET", "/v1/ops/drivers?limit=100", { id: "ops-roster", role: "ops" });
    expect(listed.body.items.map((d) => d.id)).toContain(driverId);
  });

  it("a vehicle whose registration's row is gone is projected again, and found by riders near it", async () => {
    const ops = { id: uniqueId("ops"), role: "ops" as const };
    const location = { lat: 35.1, lng: 129.04 };
    const made = await call<{ id: string }>("POST", "/v1/ops/rental-vehicles", ops, { kind: "bike", location, hourlyRate: 1500 });
    expect(made.status).toBe(201);
    await testEnv.VIEWS_DB.prepare("DELETE FROM rental_vehicles WHERE id = ?").bind(made.body.id).run();

    expect(await passUntilRow("rental_vehicles", made.body.id)).toMatchObject({ id: made.body.id });
    const near = await call<{ items: { id: string }[] }>("GET", `/v1/rental-vehicles?lat=${location.lat}&lng=${location.lng}&radius=500`, {
      id: uniqueId("r"),
      role: "rider",
    });
    expect(near.body.items.map((v) => v.id)).toContain(made.body.id);
  });
});
