/** The zod schemas of the rental endpoints: validation and `/openapi.json` from one source. */
import { z } from "@hono/zod-openapi";
import { MAX_RENTAL_HOURS, RENTAL_PAYMENT_STATUSES, RENTAL_STATUSES, VEHICLE_KINDS } from "../../src/domain/rental/types";
import { emptyIsUnset, LatLngSchema, LedgerEntrySchema, ListQuerySchema, MoneySchema, PaymentMethodSchema } from "./schemas";

export { LedgerEntrySchema };

/** An hourly rate: Money, or a whole number of won. */
const RateSchema = z
  .union([z.object({ amount: z.number().int().min(1).max(10_000_000), currency: z.literal("KRW") }), z.number().int().min(1).max(10_000_000)])
  .openapi({ description: "Money per hour, or a whole number of KRW", example: { amount: 2000, currency: "KRW" } });

export const VehicleRequestSchema = z
  .object({ kind: z.enum(VEHICLE_KINDS), location: LatLngSchema, hourlyRate: RateSchema })
  .strict()
  .openapi("RentalVehicleRequest");

export const RentalVehicleSchema = z
  .object({
    id: z.string().openapi({ example: "rv_0m3k5q8v2c7h1x9z4w6b5n3r" }),
    kind: z.enum(VEHICLE_KINDS),
    location: LatLngSchema,
    hourlyRate: MoneySchema,
    status: z.enum(["available", "rented"]),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("RentalVehicle");

/** The widest nearby search, in metres. */
export const MAX_RADIUS_M = 10_000;

export const NearbyQuerySchema = z.object({
  // An empty value is missing, never 0 (z.coerce.number() alone reads "" as 0).
  lat: z.string().trim().min(1).pipe(z.coerce.number<string>().min(-90).max(90)),
  lng: z.string().trim().min(1).pipe(z.coerce.number<string>().min(-180).max(180)),
  // `radius=` is the default, as `limit=` is (ListQuerySchema), not a radius of 0.
  radius: z
    .preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.coerce.number().int().min(1).max(MAX_RADIUS_M).default(1000))
    .openapi({ description: `metres (default 1000, at most ${MAX_RADIUS_M})` }),
});

export const VehicleListQuerySchema = ListQuerySchema.extend({ status: emptyIsUnset(z.enum(["available", "rented"])) });

export const RentalRequestSchema = z
  .object({
    vehicleId: z.string().regex(/^rv_[a-z0-9]{20,30}$/, "a vehicle id"),
    hours: z.number().int().min(1).max(MAX_RENTAL_HOURS),
    paymentMethod: PaymentMethodSchema,
  })
  .strict()
  .openapi("RentalRequest");

export const RentalSchema = z
  .object({
    id: z.string().openapi({ example: "rn_0m3k5q8v2c7h1x9z4w6b5n3r" }),
    vehicleId: z.string(),
    riderId: z.string(),
    hours: z.number().int(),
    price: MoneySchema,
    status: z.enum(RENTAL_STATUSES),
    unlockKey: z.string().nullable().openapi({ description: "4 digits; only for the rental's rider, while it is confirmed and once issued", example: "4821" }),
    payment: z.object({ status: z.enum(RENTAL_PAYMENT_STATUSES), refundedAmount: MoneySchema.optional() }),
    cancellation: z
      .object({ by: z.enum(["rider", "ops", "system"]), reason: z.enum(["never_unlocked"]).optional() })
      .nullable()
      .openapi({
        description: "Who cancelled it; `system` with reason `never_unlocked`: its time ran out and its vehicle was never unlocked, so it is refunded in full",
      }),
    confirmedAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    unlockedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Rental");

export const UnlockRequestSchema = z
  .object({ key: z.string().max(16) })
  .strict()
  .openapi("UnlockRequest");

export const ReturnRequestSchema = z
  .object({
    location: LatLngSchema.optional().openapi({ description: "Where the rider left the vehicle: it is listed there from then on. Left out: where it was." }),
  })
  .strict()
  .openapi("ReturnRequest");

/** `payment`: by the rental's payment status (`status=cancelled&payment=captured`: the cancelled rentals whose money has not gone back). */
export const RentalListQuerySchema = ListQuerySchema.extend({
  status: emptyIsUnset(z.enum(RENTAL_STATUSES)),
  payment: emptyIsUnset(z.enum(RENTAL_PAYMENT_STATUSES)),
});
