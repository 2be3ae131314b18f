import { createRoute } from "@hono/zod-openapi";
import { readConfig, type Config } from "../../../src/config";
import { meteredFare } from "../../../src/domain/fare";
import { estimateDrive } from "../../../src/domain/geo";
import type { LatLng, Money, Product } from "../../../src/domain/types";
import { AppError } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { newRouter } from "../router";
import { authedProblems, bearer, jsonBody, jsonResponse } from "../openapi";
import { signQuote } from "../quote-token";
import { checkParcel } from "../parcel";
import { limitRider } from "../rate-limit";
import { QuoteRequestSchema, QuoteSchema } from "../schemas";

/** Prices a trip; refuses trips over MAX_TRIP_KM with nothing created. */
export function priceTrip(config: Config, product: Product, pickup: LatLng, dropoff: LatLng): { distanceMeters: number; durationSeconds: number; fare: Money } {
  const drive = estimateDrive(pickup, dropoff, config.road);
  if (drive.distanceMeters > config.maxTripKm * 1000) {
    throw new AppError("trip_too_long", `the trip is about ${Math.round(drive.distanceMeters / 1000)} km; the limit is ${config.maxTripKm} km`);
  }
  return { ...drive, fare: meteredFare(product, drive.distanceMeters, drive.durationSeconds) };
}

const createQuote = createRoute({
  method: "post",
  path: "/v1/quotes",
  operationId: "createQuote",
  summary: "Get a fare quote",
  tags: ["rider"],
  security: bearer,
  middleware: [requireRole("rider"), limitRider] as const,
  request: jsonBody(QuoteRequestSchema),
  responses: { 200: jsonResponse(QuoteSchema, "The quote"), ...authedProblems(["rate_limited", "too many quote requests; nothing was done"], "trip_too_long") },
});

export function quoteRoutes() {
  return newRouter().openapi(createQuote, async (c) => {
    const rider = c.var.actor;
    const body = c.req.valid("json");
    const config = readConfig(c.env);
    // A quote needs no parcel, but one it is given must fit the product's class.
    if (body.parcel) checkParcel(body.product, body.parcel, config);
    const price = priceTrip(config, body.product, body.pickup, body.dropoff);
    const expiresAt = new Date(Date.now() + config.quoteTtlS * 1000).toISOString();
    const quoteId = await signQuote(c.env.JWT_SECRET, {
      riderId: rider.id,
      product: body.product,
      pickup: body.pickup,
      dropoff: body.dropoff,
      ...price,
      expiresAt,
    });
    return c.json({ quoteId, product: body.product, ...price, expiresAt }, 200);
  });
}
