/**
 * What a vehicle serves. A vehicle declares every product it can take (`products`,
 * default `[product]`): a courier who carries large parcels lists small ones too, and
 * dispatch offers a ride only to a vehicle whose products include the ride's.
 */
import type { Product, Vehicle } from "../domain/types";

/**
 * Every product the vehicle serves, its main `product` first, each once.
 *
 * @example
 * productsOf({ plate: "1", model: "Porter", product: "parcel_large", products: ["parcel_small"] }); // ["parcel_large", "parcel_small"]
 */
export function productsOf(vehicle: Vehicle): Product[] {
  return [...new Set([vehicle.product, ...(vehicle.products ?? [])])];
}

/** The vehicle with its products written out (how the driver keeps and shows it). */
export const withProducts = (vehicle: Vehicle): Vehicle => ({ ...vehicle, products: productsOf(vehicle) });

/**
 * Whether the vehicle serves `product` (dispatch offers it only such rides).
 *
 * @example
 * serves({ plate: "1", model: "Porter", product: "parcel_large", products: ["parcel_small"] }, "parcel_small"); // true
 */
export const serves = (vehicle: Vehicle, product: Product): boolean => productsOf(vehicle).includes(product);

/**
 * Whether a new vehicle needs an operator to look again: another plate, or other
 * products (the model or the driver's name alone do not).
 *
 * @example
 * needsReview(sedan, { ...sedan, plate: "12가3456" }); // true
 */
export function needsReview(before: Vehicle, after: Vehicle): boolean {
  const a = productsOf(before).sort().join(",");
  const b = productsOf(after).sort().join(",");
  return before.plate !== after.plate || a !== b;
}
