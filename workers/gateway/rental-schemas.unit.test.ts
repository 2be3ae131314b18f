import { describe, expect, it } from "vitest";
import { MAX_RADIUS_M, NearbyQuerySchema } from "./rental-schemas";

describe("the nearby vehicles query", () => {
  it("refuses empty or missing coordinates (never read as 0,0) and a radius beyond the cap", () => {
    expect(NearbyQuerySchema.safeParse({ lat: "", lng: "" }).success).toBe(false);
    expect(NearbyQuerySchema.safeParse({ lat: "37.5", lng: " " }).success).toBe(false);
    expect(NearbyQuerySchema.safeParse({ lng: "127" }).success).toBe(false);
    expect(NearbyQuerySchema.safeParse({ lat: "37.5", lng: "127", radius: String(MAX_RADIUS_M + 1) }).success).toBe(false);
    expect(NearbyQuerySchema.safeParse({ lat: "abc", lng: "127" }).success).toBe(false);
  });

  it("reads numbers from the query string, the radius 1000 m by default", () => {
    expect(NearbyQuerySchema.parse({ lat: "37.5", lng: "127" })).toEqual({ lat: 37.5, lng: 127, radius: 1000 });
    expect(NearbyQuerySchema.parse({ lat: "0", lng: "0", radius: String(MAX_RADIUS_M) })).toEqual({ lat: 0, lng: 0, radius: MAX_RADIUS_M });
  });

  it("an empty radius is the default, as an empty limit is; a radius of 0 or below is still refused", () => {
    expect(NearbyQuerySchema.parse({ lat: "37.5", lng: "127", radius: "" })).toEqual({ lat: 37.5, lng: 127, radius: 1000 });
    expect(NearbyQuerySchema.parse({ lat: "37.5", lng: "127", radius: " " })).toEqual({ lat: 37.5, lng: 127, radius: 1000 });
    expect(NearbyQuerySchema.safeParse({ lat: "37.5", lng: "127", radius: "0" }).success).toBe(false);
    expect(NearbyQuerySchema.safeParse({ lat: "37.5", lng: "127", radius: "-5" }).success).toBe(false);
  });
});
