import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/ids";
import { requestHash } from "./parcel";

const body = (phone: string) => ({
  product: "parcel_small",
  parcel: { weightKg: 3, recipient: { name: "Kim", phone }, note: "door" },
});

describe("requestHash", () => {
  const env = { CONTACT_KEY: "k".repeat(43) };

  it("never is the plain hash of a body with a phone number (which could be reversed by trying every number)", async () => {
    const plain = await sha256Hex(JSON.stringify(body("010-1234-5678")));
    expect(await requestHash(env, body("010-1234-5678"))).not.toBe(plain);
  });

  it("tells the same request from a different recipient, and depends on the key", async () => {
    const first = await requestHash(env, body("010-1234-5678"));
    expect(await requestHash(env, body("010-1234-5678"))).toBe(first);
    expect(await requestHash(env, body("010-9999-5678"))).not.toBe(first);
    expect(await requestHash({ CONTACT_KEY: "x".repeat(43) }, body("010-1234-5678"))).not.toBe(first);
  });

  it("hashes a body without a parcel as before, so retries across a deploy still match", async () => {
    const ride = { product: "standard", paymentMethod: "pm_card_visa" };
    expect(await requestHash(env, ride)).toBe(await sha256Hex(JSON.stringify(ride)));
  });
});
