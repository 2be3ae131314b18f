/**
 * Rental endpoints (riders rent shared vehicles; operators register vehicles and see every
 * rental). Thin like the ride routes: authenticate and authorise first, validate, then
 * call the Rental or RentalVehicle Durable Object (the single writers) or the D1 views.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Rental } from "../../../src/domain/rental/types";
import { fleetStub, rentalStub, rentalVehicleStub, type RentalStub } from "../../../src/durable-objects/stubs";
import type { TimelineItem } from "../../../src/durable-objects/aggregate";
import { newId, RENTAL_ID, rentalIdFor, sha256Hex, vehicleIdFor } from "../../../src/lib/ids";
import { AppError, unwrap, type Outcome } from "../../../src/lib/problem";
import { requireRole } from "../auth";
import { duesRequired, openDues } from "../dues";
import { authedProblems, bearer, commonProblems, jsonBody, jsonResponse } from "../openapi";
import { publicLedgerEntry, publicTimelineItem } from "../presenters";
import { paymentService } from "../stubs";
import { limitRider } from "../rate-limit";
import { listOwnRentals, listRentals, listVehicles, vehiclesNear } from "../rental-queries";
import { vehicleRowHealed } from "../rental-repair";
import * as S from "../rental-schemas";
import { idempotencyKey, IdempotencyKeyHeaders, madeOrThrow } from "../idempotency-key";
import { newRouter } from "../router";
import { IdParamSchema, TimelineSchema, page } from "../schemas";
import { localeFrom } from "../locale";
import { orFirstTry } from "../keyless-rental";

const RentalPath = { params: IdParamSchema };

/** The Rental object of a rental id from a URL, or 404 when the id cannot be one of ours. */
function resolveRental(env: Env, id: string): RentalStub {
  if (!RENTAL_ID.test(id)) throw new AppError("not_found", "no such rental");
  return rentalStub(env, id);
}

const route = <R extends Parameters<typeof createRoute>[0]>(r: R) => createRoute({ security: bearer, ...r });

const registerVehicle = route({
  method: "post",
  path: "/v1/ops/rental-vehicles",
  operationId: "registerRentalVehicle",
  summary: "Register a rental vehicle",
  description:
    "With an Idempotency-Key, the same operator's registration sent again (its answer lost, or the vehicle's object down after the fleet listed it) is the same vehicle, never a second one, whatever the body.",
  tags: ["ops", "rentals"],
  middleware: requireRole("ops"),
  request: { ...jsonBody(S.VehicleRequestSchema), headers: IdempotencyKeyHeaders },
  responses: { 201: jsonResponse(S.RentalVehicleSchema, "The vehicle, available"), ...commonProblems },
});
const opsVehicles = route({
  method: "get",
  path: "/v1/ops/rental-vehicles",
  operationId: "listRentalVehicles",
  summary: "List rental vehicles",
  tags: ["ops", "rentals"],
  middleware: requireRole("ops"),
  request: { query: S.VehicleListQuerySchema },
  responses: { 200: jsonResponse(page(S.RentalVehicleSchema), "Every rental vehicle, newest first (query view)"), ...commonProblems },
});
const nearbyVehicles = route({
  method: "get",
  path: "/v1/rental-vehicles",
  operationId: "listNearbyVehicles",
  summary: "Find available vehicles nearby",
  tags: ["rider", "rentals"],
  middleware: requireRole("rider", "ops"),
  request: { query: S.NearbyQuerySchema },
  responses: { 200: jsonResponse(z.object({ items: z.array(S.RentalVehicleSchema) }), "Available vehicles near the point, nearest first"), ...commonProblems },
});
const createRental = route({
  method: "post",
  path: "/v1/rentals",
  operationId: "createRental",
  summary: "Rent a vehicle",
  description:
    "With an Idempotency-Key, the same rider's key gets the same rental back. Without one, the same body sent again by its rider within 10 minutes (its answer lost) is answered the rental it made while that rental is live, not 409.",
  tags: ["rider", "rentals"],
  middleware: [requireRole("rider"), limitRider] as const,
  request: { ...jsonBody(S.RentalRequestSchema), headers: IdempotencyKeyHeaders },
  responses: {
    202: jsonResponse(S.RentalSchema, "The rental, requested: the vehicle is held for it while it is charged"),
    ...authedProblems(
      ["rate_limited", "too many requests; nothing was done"],
      ["payment_required", "the rider has unpaid dues (the body carries them)"],
      ["vehicle_unavailable", "the vehicle is in another rental"],
    ),
  },
});
const myRentals = route({
  method: "get",
  path: "/v1/rentals",
  tags: ["rider", "rentals"],
  middleware: requireRole("rider"),
  operationId: "listMyRentals",
  summary: "List the rider's rentals",
  request: { query: S.RentalListQuerySchema },
  responses: {
    200: jsonResponse(page(S.RentalSchema), "The rider's rentals, newest first (query view); each confirmed one with its unlock key"),
    ...commonProblems,
  },
});
const opsRentals = route({
  method: "get",
  path: "/v1/ops/rentals",
  operationId: "listOpsRentals",
  summary: "List all rentals",
  tags: ["ops", "rentals"],
  middleware: requireRole("ops"),
  request: { query: S.RentalListQuerySchema },
  responses: { 200: jsonResponse(page(S.RentalSchema), "Every rental, newest first (query view; no keys)"), ...commonProblems },
});
const getRental = route({
  method: "get",
  path: "/v1/rentals/{id}",
  operationId: "getRental",
  summary: "Get a rental",
  tags: ["rider", "ops", "rentals"],
  middleware: requireRole("rider", "ops"),
  request: RentalPath,
  responses: { 200: jsonResponse(S.RentalSchema, "The rental, strongly consistent (its key only for its rider)"), ...commonProblems },
});
const rentalEvents = route({
  method: "get",
  path: "/v1/rentals/{id}/events",
  operationId: "getRentalEvents",
  summary: "Get a rental's timeline",
  tags: ["rider", "ops", "rentals"],
  middleware: requireRole("rider", "ops"),
  request: RentalPath,
  responses: { 200: jsonResponse(TimelineSchema, "The rental's timeline"), ...commonProblems },
});
const cancelRental = route({
  method: "post",
  path: "/v1/rentals/{id}/cancel",
  operationId: "cancelRental",
  summary: "Cancel a rental",
  tags: ["rider", "ops", "rentals"],
  middleware: requireRole("rider", "ops"),
  request: RentalPath,
  responses: {
    200: jsonResponse(
      S.RentalSchema,
      "The rental, cancelled: its key invalidated first, then the payment refunded (a payment still in flight: its hold voided, a late charge refunded); again: the same answer",
    ),
    ...authedProblems(["invalid_transition", "the vehicle was unlocked already (return it), or the rental is over"]),
  },
});
const unlockRental = route({
  method: "post",
  path: "/v1/rentals/{id}/unlock",
  operationId: "unlockRental",
  summary: "Unlock the rental's vehicle",
  tags: ["rider", "rentals"],
  middleware: requireRole("rider"),
  request: { ...RentalPath, ...jsonBody(S.UnlockRequestSchema) },
  responses: {
    200: jsonResponse(z.object({ unlocked: z.literal(true) }), "The key is valid and the rental confirmed: the vehicle unlocks"),
    ...authedProblems(["forbidden", "the key is wrong, invalidated, not issued yet, or the rental is not confirmed"]),
  },
});
const rentalPayments = route({
  method: "get",
  path: "/v1/ops/rentals/{id}/payments",
  operationId: "listRentalPayments",
  summary: "List a rental's payment ledger",
  tags: ["ops", "rentals"],
  middleware: requireRole("ops"),
  request: RentalPath,
  responses: { 200: jsonResponse(z.object({ items: z.array(S.LedgerEntrySchema) }), "The rental's payment operations in the ledger"), ...commonProblems },
});
const retryRentalRefund = route({
  method: "post",
  path: "/v1/ops/rentals/{id}/refund",
  operationId: "retryRentalRefund",
  summary: "Send a declined rental refund again",
  tags: ["ops", "rentals"],
  middleware: requireRole("ops"),
  request: RentalPath,
  responses: {
    202: jsonResponse(S.RentalSchema, "The refund the provider declined is on its way again, as a new attempt; asked again while it is out: the same answer"),
    ...authedProblems(["invalid_transition", "the rental was refunded already, or has no refund the provider declined"]),
  },
});
const returnRental = route({
  method: "post",
  path: "/v1/rentals/{id}/return",
  operationId: "returnRental",
  summary: "Return the vehicle",
  tags: ["rider", "rentals"],
  middleware: requireRole("rider"),
  request: { ...RentalPath, ...jsonBody(S.ReturnRequestSchema, false) },
  responses: {
    200: jsonResponse(S.RentalSchema, "The rental, completed; the vehicle is available again, where the rider left it when they say where"),
    ...authedProblems(["invalid_transition", "the vehicle was not unlocked, or the rental is over"]),
  },
});

/**
 * The rental endpoints (vehicles, rentals, their timelines, cancel, unlock, return, payments, refund retry), mounted by the app.
 *
 * @example
 * app.route("/", rentalRoutes());
 */
export function rentalRoutes() {
  const app = newRouter();

  app.openapi(registerVehicle, async (c) => {
    const body = c.req.valid("json");
    const hourlyRate = typeof body.hourlyRate === "number" ? { amount: body.hourlyRate, currency: "KRW" as const } : body.hourlyRate;
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const id = key ? await vehicleIdFor(c.var.actor.id, key) : newId("rv");
    // Listed first: no vehicle exists that the fleet (what the views' rebuild walks) does not name.
    await fleetStub(c.env).add([id]);
    const vehicle = unwrap(await rentalVehicleStub(c.env, id).register({ id, kind: body.kind, location: body.location, hourlyRate }, c.get("requestId")));
    return c.json(vehicle, 201);
  });

  app.openapi(opsVehicles, async (c) => c.json(await listVehicles(c.env.VIEWS_DB, c.req.valid("query")), 200));

  app.openapi(nearbyVehicles, async (c) => {
    const q = c.req.valid("query");
    return c.json({ items: await vehiclesNear(c.env.VIEWS_DB, { lat: q.lat, lng: q.lng }, q.radius) }, 200);
  });

  app.openapi(createRental, async (c) => {
    const rider = c.var.actor;
    const body = c.req.valid("json");
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const rentalId = key ? await rentalIdFor(rider.id, key) : newId("rn");
    const stub = rentalStub(c.env, rentalId);
    const [vehicle, dues] = await Promise.all([rentalVehicleStub(c.env, body.vehicleId).get(), openDues(c.env, rider.id)]);
    const hash = await sha256Hex(JSON.stringify(body));
    const refuse = async (error: AppError) => {
      const made = await madeOrThrow(key ? () => stub.made(rider.id) : null, error);
      c.header("location", `/v1/rentals/${rentalId}`);
      return c.json(made, 202);
    };
    if (dues) return refuse(duesRequired(dues));
    if (!vehicle) return refuse(new AppError("not_found", "no such vehicle"));
    const created = await stub.create({
      rentalId,
      riderId: rider.id,
      vehicleId: body.vehicleId,
      hours: body.hours,
      price: { amount: body.hours * vehicle.hourlyRate.amount, currency: vehicle.hourlyRate.currency },
      paymentMethod: body.paymentMethod,
      locale: localeFrom(c.req.header("accept-language")),
      correlationId: c.get("requestId"),
      requestHash: hash,
    });
    // Refused for a vehicle the views may still show free (its `rented` lost): its row heals now.
    if (!created.ok && created.problem.code === "vehicle_unavailable") c.executionCtx.waitUntil(vehicleRowHealed(c.env, body.vehicleId));
    // Sent again without a key after its 202 was lost: the vehicle its first try holds is that rental, not "another".
    const result = unwrap(key ? created : await orFirstTry(c.env, created, { riderId: rider.id, vehicleId: body.vehicleId, requestHash: hash }));
    c.header("location", `/v1/rentals/${result.rental.id}`);
    return c.json(result.rental, 202);
  });

  app.openapi(myRentals, async (c) => c.json(await listOwnRentals(c.env, c.var.actor.id, c.req.valid("query")), 200));

  app.openapi(opsRentals, async (c) => c.json(await listRentals(c.env.VIEWS_DB, c.req.valid("query")), 200));

  app.openapi(getRental, async (c) => c.json(unwrap(await resolveRental(c.env, c.req.valid("param").id).get(c.var.actor)), 200));

  app.openapi(rentalEvents, async (c) => {
    // As for rides: RPC typing of `Record<string, unknown>` loses the Outcome's discriminant.
    const items = unwrap((await resolveRental(c.env, c.req.valid("param").id).timeline(c.var.actor)) as Outcome<TimelineItem[]>);
    return c.json({ items: items.map(publicTimelineItem) }, 200);
  });

  app.openapi(cancelRental, async (c) => {
    const stub = resolveRental(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.cancel(c.var.actor, c.get("requestId"))), 200);
  });

  app.openapi(unlockRental, async (c) => {
    const stub = resolveRental(c.env, c.req.valid("param").id);
    unwrap<Rental>(await stub.unlock(c.var.actor, c.req.valid("json").key, c.get("requestId")));
    return c.json({ unlocked: true as const }, 200);
  });

  app.openapi(returnRental, async (c) => {
    const stub = resolveRental(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.returnVehicle(c.var.actor, c.get("requestId"), c.req.valid("json")?.location)), 200);
  });

  app.openapi(retryRentalRefund, async (c) => {
    const stub = resolveRental(c.env, c.req.valid("param").id);
    return c.json(unwrap(await stub.retryRefund(c.var.actor, c.get("requestId"))), 202);
  });

  app.openapi(rentalPayments, async (c) => {
    const id = c.req.valid("param").id;
    if (!RENTAL_ID.test(id)) throw new AppError("not_found", "no such rental");
    return c.json({ items: (await paymentService(c.env).ledgerFor(id)).map(publicLedgerEntry) }, 200);
  });
  return app;
}
