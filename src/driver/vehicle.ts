/**
 * What a vehicle serves. A vehicle declares every product it can take (`products`,
 * default `[product]`), and dispatch offers a ride only to a vehicle whose products
 * include the ride's. A vehicle that carries large parcels carries small ones too, listed
 * or not (requirement P1).
 */
import type { Product, Vehicle } from "../domain/types";

/** Products a vehicle serving the key serves as well, whether it lists them or not. */
const IMPLIED: Partial<Record<Product, Product[]>> = { parcel_large: ["parcel_small"] };

/**
 * Every product the vehicle serves, its main `product` first, each once.
 *
 * @example
 * productsOf({ plate: "1", model: "Porter", product: "parcel_large" }); // ["parcel_large", "parcel_small"]
 */
export function productsOf(vehicle: Vehicle): Product[] {
  const listed = [vehicle.product, ...(vehicle.products ?? [])];
  return [...new Set([...listed, ...listed.flatMap((p) => IMPLIED[p] ?? [])])];
}

/** The vehicle with its products written out (how the driver keeps and shows it). */
export const withProducts = (vehicle: Vehicle): Vehicle => ({ ...vehicle, products: productsOf(vehicle) });

/**
 * Whether the vehicle serves `product` (dispatch offers it only such rides).
 *
 * @example
 * serves({ plate: "1", model: "Porter", product: "parcel_large" }, "parcel_small"); // true
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

/**
 * Whether two vehicles are the same as the driver declares it: plate, model, main product and products.
 *
 * @example
 * sameVehicle(sedan, { ...sedan, products: ["standard"] }); // true
 */
export function sameVehicle(a: Vehicle, b: Vehicle): boolean {
  const products = (v: Vehicle) => productsOf(v).sort().join(",");
  return a.plate === b.plate && a.model === b.model && a.product === b.product && products(a) === products(b);
}
