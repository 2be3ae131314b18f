import { describe, expect, it } from "vitest";
import type { Vehicle } from "../domain/types";
import { needsReview, productsOf, serves } from "./vehicle";

const sedan: Vehicle = { plate: "30우8281", model: "Sonata", product: "standard" };
const courier: Vehicle = { plate: "80배1234", model: "Porter", product: "parcel_large", products: ["parcel_large", "parcel_small"] };

describe("what a vehicle serves (matching by products)", () => {
  it("defaults to its product, and always includes it", () => {
    expect(productsOf(sedan)).toEqual(["standard"]);
    expect(productsOf({ ...courier, products: ["parcel_small"] })).toEqual(["parcel_large", "parcel_small"]);
  });

  it("a large-parcel courier serves small parcels; a sedan serves no large parcel", () => {
    expect(serves(courier, "parcel_small")).toBe(true);
    expect(serves(courier, "parcel_large")).toBe(true);
    expect(serves(courier, "standard")).toBe(false);
    expect(serves(sedan, "parcel_large")).toBe(false);
  });

  it("a large-parcel courier serves small parcels even when it lists only large ones; a small-parcel courier serves no large one", () => {
    const largeOnly: Vehicle = { plate: "80배1235", model: "Porter", product: "parcel_large" };
    expect(serves(largeOnly, "parcel_small")).toBe(true);
    expect(productsOf(largeOnly)).toEqual(["parcel_large", "parcel_small"]);
    const small: Vehicle = { plate: "80배1236", model: "Ray", product: "parcel_small" };
    expect(serves(small, "parcel_large")).toBe(false);
    expect(productsOf(small)).toEqual(["parcel_small"]);
  });

  it("a new plate or other products need review; a new model or the same products reordered do not", () => {
    expect(needsReview(sedan, { ...sedan, plate: "12가3456" })).toBe(true);
    expect(needsReview(courier, { ...courier, products: ["parcel_large", "standard"] })).toBe(true);
    expect(needsReview(courier, { ...courier, products: ["parcel_large"] }), "small parcels are implied: nothing it serves changed").toBe(false);
    expect(needsReview(sedan, { ...sedan, products: ["standard", "deluxe"] })).toBe(true);
    expect(needsReview(sedan, { ...sedan, model: "K5" })).toBe(false);
    expect(needsReview(courier, { ...courier, products: ["parcel_small", "parcel_large"] })).toBe(false);
    expect(needsReview(sedan, { ...sedan, products: ["standard"] })).toBe(false);
  });
});
