/**
 * A typed TypeScript client of the Edge Rides API. Its types (./api.d.ts) are generated
 * from the gateway's own OpenAPI document by `npm run client:types`, and CI fails when they
 * drift (`npm run types:check`): paths, parameters, bodies and answers are checked by the
 * compiler, so a misspelt field or a wrong path does not compile. The calls are
 * openapi-fetch's: `GET`, `POST`, `PUT`, `DELETE`, each answering `{ data, error, response }`
 * where `error` is the problem+json body (`Problem`) of a 4xx or 5xx.
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, operations, paths } from "./api";

export type { components, operations, paths };
export type RidesClient = Client<paths>;
export type Problem = components["schemas"]["Problem"];
export type Ride = components["schemas"]["Ride"];
export type Quote = components["schemas"]["Quote"];
export type Driver = components["schemas"]["Driver"];

/**
 * A client of the API at `baseUrl`, sending `token` (a JWT) as its bearer token. `options`
 * are openapi-fetch's (a `fetch` of your own, for one: retries, tests).
 *
 * @example
 * const rider = createRidesClient("https://api.edge-rides.example", riderToken);
 * const pickup = { lat: 37.5219, lng: 126.9245 };
 * const dropoff = { lat: 37.4982, lng: 126.9531 };
 * const { data: quote } = await rider.POST("/v1/quotes", { body: { pickup, dropoff, product: "standard" } });
 * const { data: ride, error } = await rider.POST("/v1/rides", {
 *   params: { header: { "idempotency-key": crypto.randomUUID() } },
 *   body: { pickup, dropoff, product: "standard", paymentMethod: "pm_card_visa", quoteId: quote?.quoteId },
 * });
 * if (error) console.log(error.code, error.detail); // e.g. "no_drivers_nearby": retry after the Retry-After header
 * else console.log(ride.status); // "dispatching"
 */
export function createRidesClient(baseUrl: string, token?: string, options: Omit<ClientOptions, "baseUrl" | "headers"> = {}): RidesClient {
  return createClient<paths>({ ...options, baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} });
}
