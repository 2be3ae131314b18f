/**
 * Ride endpoints. Thin: authenticate and authorise (route middleware, before any
 * validation), rate-limit, validate, then call the ride's Durable Object (the single
 * writer, which checks ownership and the state machine) or the D1 view.
 */
import { createRoute } from "@hono/zod-openapi";
import { readConfig } from "../../../src/config";
import { NOT_OFFERED_TO_YOU } from "../../../src/ride/ride-record";
import { newId, rideIdFor } from "../../../src/lib/ids";
import { AppError, unwrap, type Outcome } from "../../../src/lib/problem";
import type { TimelineItem } from "../../../src/durable-objects/aggregate";
import type { Trip } from "../../../src/ride/commands";
import { requireRole } from "../auth";
import { idempotencyKey, IdempotencyKeyHeaders, madeOrThrow } from "../idempotency-key";
import { newRouter } from "../router";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse, type ProblemUse } from "../openapi";
import { listOwnRides } from "../own-lists";
import { limitRider } from "../rate-limit";
import { samePoint, verifyQuote } from "../quote-token";
import {
  CancelRequestSchema,
  CompleteRequestSchema,
  IdParamSchema,
  RideListQuerySchema,
  RideRequestSchema,
  RideSchema,
  TimelineSchema,
  page,
} from "../schemas";
import { publicTimelineItem } from "../presenters";
import { resolveRide } from "../stubs";
import { priceTrip } from "./quotes";
import { duesRequired, openDues } from "../dues";
import { localeFrom } from "../locale";
import { parcelInput, requestHash } from "../parcel";
import { approvedDriver } from "../approved-driver";
import { noSupplyUntil } from "../supply";

const createRide = createRoute({
  method: "post",
  path: "/v1/rides",
  operationId: "createRide",
  summary: "Request a ride",
  tags: ["rider"],
  security: bearer,
  middleware: [requireRole("rider"), limitRider] as const,
  request: { ...jsonBody(RideRequestSchema), headers: IdempotencyKeyHeaders },
  responses: {
    202: jsonResponse(RideSchema, "The ride, accepted"),
    ...authedProblems(
      ["rate_limited", "too many ride requests; nothing was done"],
      ["payment_required", "the rider has unpaid dues (the body carries them)"],
      "trip_too_long",
      ["no_drivers_nearby", "no driver was free near the pickup lately: request again after Retry-After"],
    ),
  },
});
const getRide = createRoute({
  method: "get",
  path: "/v1/rides/{id}",
  operationId: "getRide",
  summary: "Get a ride",
  tags: ["rider", "driver", "ops"],
  security: bearer,
  middleware: requireRole("rider", "driver", "ops"),
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(RideSchema, "The ride, strongly consistent"), ...commonProblems },
});
const cancelRide = createRoute({
  method: "post",
  path: "/v1/rides/{id}/cancel",
  operationId: "cancelRide",
  summary: "Cancel a ride",
  tags: ["rider", "ops"],
  security: bearer,
  middleware: requireRole("rider", "ops"),
  request: { params: IdParamSchema, ...jsonBody(CancelRequestSchema, false) },
  responses: { 200: jsonResponse(RideSchema, "The cancelled ride"), ...authedProblems(["invalid_transition", "the ride is over"]) },
});
const listMyRides = createRoute({
  method: "get",
  path: "/v1/rides",
  operationId: "listMyRides",
  summary: "List the rider's rides",
  tags: ["rider"],
  security: bearer,
  middleware: requireRole("rider"),
  request: { query: RideListQuerySchema },
  responses: {
    200: jsonResponse(page(RideSchema), "The rider's rides, newest first; each parcel with its handover code, as the sender reads it"),
    ...commonProblems,
  },
});
const rideEvents = createRoute({
  method: "get",
  path: "/v1/rides/{id}/events",
  operationId: "getRideEvents",
  summary: "Get a ride's timeline",
  tags: ["rider", "driver", "ops"],
  security: bearer,
  middleware: requireRole("rider", "driver", "ops"),
  request: { params: IdParamSchema },
  responses: { 200: jsonResponse(TimelineSchema, "The ride's timeline"), ...commonProblems },
});
type DriverStep = "accept" | "decline" | "no-show" | "arrive" | "start" | "complete";
const STEP_OPERATION: Record<DriverStep, { operationId: string; summary: string }> = {
  accept: { operationId: "acceptRide", summary: "Accept an offered ride" },
  decline: { operationId: "declineRide", summary: "Decline an offered ride" },
  "no-show": { operationId: "reportNoShow", summary: "Report that the rider did not show up" },
  arrive: { operationId: "arriveAtPickup", summary: "Arrive at the pickup" },
  start: { operationId: "startRide", summary: "Start the trip" },
  complete: { operationId: "completeRide", summary: "Complete the trip" },
};
const STEP_CONFLICTS: Record<DriverStep, ProblemUse[]> = {
  accept: [
    ["invalid_transition", "the ride is no longer waiting for this driver"],
    ["offer_not_available", "not offered to this driver (the same answer whether or not the ride exists)"],
    ["driver_not_approved", "a pending or rejected driver"],
  ],
  decline: [
    ["invalid_transition", "the ride is no longer waiting for this driver"],
    ["offer_not_available", "not offered to this driver (the same answer whether or not the ride exists)"],
  ],
  "no-show": [
    ["invalid_transition", "not at the pickup, or before NO_SHOW_WAIT_S after arriving (the detail says how long is left)"],
    ["driver_not_approved", "a pending or rejected driver: no fee is charged by a driver not approved"],
  ],
  arrive: [["invalid_transition", "not the driver's ride in its accepted state"]],
  start: [["invalid_transition", "not at the pickup"]],
  complete: [
    ["invalid_transition", "the trip has not started"],
    [
      "handover_code_mismatch",
      "a parcel ride without the sender's handoverCode, or with a wrong one (nothing changes but the count of wrong codes); after 5 wrong codes every complete is refused until an operator acts",
    ],
  ],
};
/** The steps only an approved driver takes: taking a ride, and charging its rider a no-show's fee. */
const APPROVED_ONLY: ReadonlySet<DriverStep> = new Set(["accept", "no-show"]);
const driverStep = (step: DriverStep) =>
  createRoute({
    method: "post",
    path: `/v1/rides/{id}/${step}`,
    ...STEP_OPERATION[step],
    tags: ["driver"],
    security: bearer,
    // A pending or rejected driver takes no ride, 403 before its ride id is read (the Driver DO refuses the confirmation
    // too, should a rejection land meanwhile). An unregistered driver holds no offer: the ride answers them as a stranger.
    // Nor does one charge a rider a no-show's fee. Arrive and start are not checked: a read each on every served ride,
    // where the rejection's withdrawal (sent again should it fail) takes a rejected driver off a ride not yet picked up.
    // Anyone may decline, and complete a trip under way.
    middleware: APPROVED_ONLY.has(step) ? ([requireRole("driver"), approvedDriver] as const) : requireRole("driver"),
    request: { params: IdParamSchema },
    responses: {
      200: jsonResponse(RideSchema, `The ride after ${step}`),
      ...authedProblems(...STEP_CONFLICTS[step]),
    },
  });

/** complete takes a body (the trip's measures, a parcel's handover code): validated, whatever its content type, before the handler sees it. */
const completeRide = createRoute({ ...driverStep("complete"), request: { params: IdParamSchema, ...jsonBody(CompleteRequestSchema, false) } });

export function rideRoutes() {
  const app = newRouter();

  app.openapi(createRide, async (c) => {
    const rider = c.var.actor;
    const body = c.req.valid("json");
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const config = readConfig(c.env);
    const rideId = key ? await rideIdFor(rider.id, key) : newId("rd");
    // Ids we make are always in format; failing here means newId and the check disagree.
    const stub = resolveRide(c.env, rideId, () => new AppError("internal", "ride id out of format"));
    const refuse = async (error: AppError) => {
      const made = await madeOrThrow(key ? () => stub.made(rider.id) : null, error);
      c.header("location", `/v1/rides/${rideId}`);
      return c.json(made, 202);
    };
    let trip: { parcel: Awaited<ReturnType<typeof parcelInput>>; price: ReturnType<typeof priceTrip> };
    try {
      trip = { parcel: await parcelInput(c.env, body.product, body.parcel, config, rideId), price: priceTrip(config, body.product, body.pickup, body.dropoff) };
    } catch (error) {
      if (error instanceof AppError) return refuse(error);
      throw error;
    }
    const { parcel, price } = trip;
    const hash = await requestHash(c.env, body);
    let quote = price.fare;
    if (body.quoteId) {
      const quoted = await verifyQuote(c.env.JWT_SECRET, body.quoteId);
      if (
        !quoted ||
        quoted.riderId !== rider.id ||
        quoted.product !== body.product ||
        !samePoint(quoted.pickup, body.pickup) ||
        !samePoint(quoted.dropoff, body.dropoff)
      ) {
        return refuse(new AppError("invalid_request", "quoteId: expired, or not a quote for this rider, product and route"));
      }
      quote = quoted.fare;
    }
    const [closedUntil, dues] = await Promise.all([noSupplyUntil(c.env, body.pickup, body.product, config.searchRadiusM), openDues(c.env, rider.id)]);
    if (dues) return refuse(duesRequired(dues));
    if (closedUntil !== null) {
      const retryAfterSeconds = Math.max(1, Math.ceil((closedUntil - Date.now()) / 1000));
      return refuse(
        new AppError("no_drivers_nearby", "no drivers are free near the pickup right now; please try again in a little while", { retryAfterSeconds }),
      );
    }
    const result = unwrap(
      await stub.create({
        rideId,
        riderId: rider.id,
        product: body.product,
        pickup: body.pickup,
        dropoff: body.dropoff,
        paymentMethod: body.paymentMethod,
        quote,
        distanceMeters: price.distanceMeters,
        durationSeconds: price.durationSeconds,
        locale: localeFrom(c.req.header("accept-language")),
        correlationId: c.get("requestId"),
        requestHash: hash,
        ...(parcel ? { parcel } : {}),
      }),
    );
    c.header("location", `/v1/rides/${rideId}`);
    return c.json(result.ride, 202);
  });

  app.openapi(getRide, async (c) => {
    const stub = resolveRide(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.get(c.var.actor)), 200);
  });

  app.openapi(cancelRide, async (c) => {
    const stub = resolveRide(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.cancel(c.var.actor, c.req.valid("json").reason, c.get("requestId"))), 200);
  });

  app.openapi(listMyRides, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listOwnRides(c.env, { kind: "rider", id: c.var.actor.id }, { status: q.status, limit: q.limit, cursor: q.cursor }), 200);
  });

  app.openapi(rideEvents, async (c) => {
    const stub = resolveRide(c.env, c.req.valid("param").id);
    // The cast stays until TimelineItem.data is a serializable type: RPC typing turns
    // `Record<string, unknown>` into never, which drops the ok branch of the Outcome.
    const items = unwrap((await stub.timeline(c.var.actor)) as Outcome<TimelineItem[]>);
    return c.json({ items: items.map(publicTimelineItem) }, 200);
  });

  for (const step of ["accept", "decline", "no-show", "arrive", "start"] as const) {
    app.openapi(driverStep(step), async (c) => {
      const driver = c.var.actor;
      // Never-offered and nonexistent answer alike (see NOT_OFFERED_TO_YOU), malformed ids included.
      const offerStep = step === "accept" || step === "decline";
      const stub = resolveRide(c.env, c.req.valid("param").id, offerStep ? () => new AppError("offer_not_available", NOT_OFFERED_TO_YOU) : undefined);
      const requestId = c.get("requestId");
      let outcome;
      if (step === "accept") outcome = await stub.accept(driver.id, requestId);
      else if (step === "decline") outcome = await stub.decline(driver.id, requestId);
      else if (step === "no-show") outcome = await stub.advance(driver.id, "noShow", {}, requestId);
      else outcome = await stub.advance(driver.id, step, {}, requestId);
      return c.json(unwrap(outcome), 200);
    });
  }
  app.openapi(completeRide, async (c) => {
    const stub = resolveRide(c.env, c.req.valid("param").id);
    // Only the validated body, never the raw one read again: a wrong type must not reach the ride.
    const trip: Trip = c.req.valid("json");
    return c.json(unwrap(await stub.advance(c.var.actor.id, "complete", trip, c.get("requestId"))), 200);
  });
  return app;
}
