/**
 * `PUT /v1/drivers/me` while the one Fleet object cannot answer: a driver registered already
 * changes their profile (the fleet listed them at their first registration); a first registration
 * is 503, and their object registers nothing, so no driver exists that the fleet does not name.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, testEnv, token } from "../app-fixtures";

const profile = { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } };
const overloaded = () => Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true });

/** The bindings: a fleet that answers, is overloaded or broken, and Driver DOs (each registered or not, or unable to read) that record what they are asked. */
function bindings(fleet: "up" | "overloaded" | "broken", registered: Set<string>, driverRead: "ok" | "down" = "ok") {
  const asked: string[] = [];
  const FLEET = {
    idFromName: (name: string) => name,
    get: () => ({
      addDrivers: async (ids: string[]) => {
        asked.push(`fleet ${ids.join(",")}`);
        if (fleet === "overloaded") throw overloaded();
        if (fleet === "broken") throw new TypeError("cannot read properties of undefined");
      },
    }),
  };
  const DRIVER = {
    idFromName: (name: string) => name,
    get: (id: string) => ({
      get: async () => {
        asked.push(`read ${id}`);
        if (driverRead === "down") throw overloaded();
        return registered.has(id) ? { id, name: "Kim", approval: "approved" } : null;
      },
      register: async (driverId: string) => {
        asked.push(`register ${driverId}`);
        return { ok: true, value: { id: driverId, name: "Kim", approval: "pending", status: "offline", vehicle: profile.vehicle } };
      },
    }),
  };
  return { env: testEnv({ FLEET, DRIVER }), asked };
}

afterEach(() => vi.restoreAllMocks());

const put = async (driverId: string, env: Env) =>
  call("/v1/drivers/me", { method: "PUT", body: JSON.stringify(profile), token: await token(driverId, "driver") }, env);

describe("PUT /v1/drivers/me while the fleet cannot answer", () => {
  it("a driver registered already changes their profile", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { env, asked } = bindings("overloaded", new Set(["d1"]));
    const res = await put("d1", env);
    expect(res.status).toBe(200);
    expect(asked).toEqual(["fleet d1", "read d1", "register d1"]);
    expect(warn.mock.calls.map((c) => JSON.parse(String(c[0])).msg)).toContain("fleet unavailable, registered driver let through");
  });

  it("a first registration is 503 with Retry-After, and the driver's object registers nothing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { env, asked } = bindings("overloaded", new Set());
    const res = await put("d2", env);
    expect([res.status, res.body.code]).toEqual([503, "unavailable"]);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(asked).toEqual(["fleet d2", "read d2"]);
  });

  it("a driver's object that cannot say either: the fleet's error (503), nothing registered", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { env, asked } = bindings("overloaded", new Set(["d1"]), "down");
    expect((await put("d1", env)).status).toBe(503);
    expect(asked).toEqual(["fleet d1", "read d1"]);
  });

  it("a fleet error that is no moment's trouble (a bug) stops every registration, the driver's object not asked", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { env, asked } = bindings("broken", new Set(["d1"]));
    expect((await put("d1", env)).status).toBe(500);
    expect(asked).toEqual(["fleet d1"]);
  });

  it("with the fleet up, every registration is listed first, with no read of the driver", async () => {
    const { env, asked } = bindings("up", new Set(["d1"]));
    expect((await put("d3", env)).status).toBe(200);
    expect(asked).toEqual(["fleet d3", "register d3"]);
  });
});
