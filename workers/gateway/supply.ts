/**
 * The no-supply check of a ride request: the pickup's cell turns requests away for a while
 * after a round there found nobody (NO_SUPPLY_WINDOW_S). A driver listing in that cell ends
 * the window at once; one listing in a cell around it, within the search radius (a driver
 * coming online 100 m away, across a cell's edge), must too, or a rider is turned away with a
 * car next to them. So a marked cell is checked against the districts' listing before the 503.
 */
import type { LatLng, Product } from "../../src/domain/types";
import { CELL_PRECISION, cellsByDistrict, cellsCovering } from "../../src/domain/geo";
import { cellOf, cellStub } from "./stubs";
import { districtStub } from "../../src/durable-objects/stubs";

/**
 * Until when (epoch ms) the pickup's area turns new requests for `product` away, or null.
 * Costs one call (the pickup's cell), and one per district of the radius only while it is
 * marked. Fails open: an object that cannot answer never blocks a request.
 *
 * @example
 * const closedUntil = await noSupplyUntil(c.env, body.pickup, body.product, config.searchRadiusM);
 */
export async function noSupplyUntil(
  env: Pick<Env, "DISPATCH_CELL" | "DISPATCH_DISTRICT">,
  pickup: LatLng,
  product: Product,
  searchRadiusM: number,
): Promise<number | null> {
  try {
    const until = await cellStub(env, cellOf(pickup)).noSupplyUntil(product);
    if (until === null) return null;
    const now = Date.now();
    const groups = cellsByDistrict(cellsCovering(pickup, searchRadiusM, CELL_PRECISION));
    const listed = await Promise.all(groups.map(([district, cells]) => districtStub(env, district).listingOf(cells, product, now)));
    return listed.some((cells) => cells.length > 0) ? null : until;
  } catch (error) {
    console.warn(JSON.stringify({ msg: "supply check failed; letting the request through", error: String(error) }));
    return null;
  }
}
