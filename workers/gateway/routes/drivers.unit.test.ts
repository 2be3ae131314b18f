/**
 * `PUT /v1/drivers/me` asks the driver's object only: the object lists a new driver in the one
 * Fleet object itself, before its first commit (`listInFleet`), so a registered driver's profile
 * change never waits on the fleet, and the object's refusal while the fleet cannot answer is the
 * client's 503 with Retry-After.
 */
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { fail, ok } from "../../../src/lib/problem";
import { call, testEnv, token } from "../app-fixtures";

const profile = { name: "Kim", vehicle: { plate: "30우8281", model: "Sonata", product: "standard" } };

/** A fleet that records any call, and Driver DOs that answer `answer` to a registration and record it. */
function bindings(answer: "registered" | "fleet down" | "bug") {
  const asked: string[] = [];
  const FLEET = { idFromName: (name: string) => name, get: () => ({ addDrivers: async (ids: string[]) => void asked.push(`fleet ${ids.join(",")}`) }) };
  const DRIVER = {
    idFromName: (name: string) => name,
    get: (id: string) => ({
      register: async (driverId: string) => {
        asked.push(`register ${id}`);
        if (answer === "bug") throw new TypeError("cannot read properties of undefined");
        if (answer === "fleet down") return fail("unavailable", "the driver list could not be written; nothing was registered", { retryAfterSeconds: 2 });
        return ok({ id: driverId, name: "Kim", approval: "pending", status: "offline", vehicle: profile.vehicle });
      },
    }),
  };
  return { env: testEnv({ FLEET, DRIVER }), asked };
}

const put = async (driverId: string, env: Env) =>
  call("/v1/drivers/me", { method: "PUT", body: JSON.stringify(profile), token: await token(driverId, "driver") }, env);

describe("PUT /v1/drivers/me", () => {
  it("asks the driver's object only: the fleet is the object's to call", async () => {
    const { env, asked } = bindings("registered");
    expect((await put("d1", env)).status).toBe(200);
    expect(asked).toEqual(["register d1"]);
  });

  it("a first registration the fleet could not list is 503 with the object's Retry-After", async () => {
    const { env, asked } = bindings("fleet down");
    const res = await put("d2", env);
    expect([res.status, res.body.code]).toEqual([503, "unavailable"]);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(asked).toEqual(["register d2"]);
  });

  it("an error of our own in the driver's object (a bug, the fleet's included: thrown, not answered) is a 500", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    onTestFinished(() => logged.mockRestore());
    const { env } = bindings("bug");
    const res = await put("d3", env);
    expect([res.status, res.body.code]).toEqual([500, "internal"]);
    expect(logged).toHaveBeenCalled();
  });
});
