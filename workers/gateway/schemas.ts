/**
 * The zod schemas of the public contract. The same schemas validate requests and
 * generate `/openapi.json`, so the document cannot drift from what is enforced.
 */
import { z } from "@hono/zod-openapi";
import { ENTITY_ID } from "../../src/lib/ids";
import { PAYMENT_STATUSES, PRODUCTS, RIDE_STATUSES } from "../../src/domain/types";
import { PROBLEM_CODES } from "../../src/lib/problem";

export const LatLngSchema = z
  .object({
    lat: z.number().min(-90).max(90).openapi({ example: 37.5219 }),
    lng: z.number().min(-180).max(180).openapi({ example: 126.9245 }),
  })
  .openapi("LatLng");

export const PlaceSchema = LatLngSchema.extend({ address: z.string().max(200).optional().openapi({ example: "Yeouido" }) }).openapi("Place");

export const MoneySchema = z.object({ amount: z.number().int(), currency: z.literal("KRW") }).openapi("Money");
export const ProductSchema = z.enum(PRODUCTS).openapi({ example: "standard" });

const VehicleSchema = z
  .object({
    plate: z.string().min(1).max(20).openapi({ example: "30우8281" }),
    model: z.string().min(1).max(60).openapi({ example: "Hyundai Sonata" }),
    product: ProductSchema,
    products: z
      .array(ProductSchema)
      .min(1)
      .max(PRODUCTS.length)
      .optional()
      .openapi({
        description: "Every product the vehicle serves (default [product]); dispatch matches on these. Changing them sends an approved driver back to pending.",
        example: ["parcel_large", "parcel_small"],
      }),
  })
  .openapi("Vehicle");

export const ParcelRequestSchema = z
  .object({
    weightKg: z.number().positive().openapi({ example: 4.5, description: "parcel_small: up to 10 kg; parcel_large: over 10 kg, up to PARCEL_MAX_KG" }),
    recipient: z
      .object({
        name: z.string().min(1).max(80),
        phone: z.string().min(1).max(20).openapi({ description: "A Korean mobile number; kept sealed, never returned or logged", example: "010-1234-5678" }),
      })
      .strict(),
    note: z.string().max(500).optional(),
  })
  .strict()
  .openapi("ParcelRequest");

export const ParcelSchema = z
  .object({ weightKg: z.number(), recipient: z.object({ name: z.string() }), note: z.string().nullable() })
  .openapi("Parcel", { description: "The parcel as rides show it: the recipient's phone is never returned" });

export const QuoteRequestSchema = z
  .object({
    pickup: PlaceSchema,
    dropoff: PlaceSchema,
    product: ProductSchema,
    parcel: ParcelRequestSchema.optional().openapi({ description: "Optional on a quote; when given it must fit the product's class" }),
  })
  .strict()
  .openapi("QuoteRequest");

export const QuoteSchema = z
  .object({
    quoteId: z.string(),
    product: ProductSchema,
    distanceMeters: z.number().int(),
    durationSeconds: z.number().int(),
    fare: MoneySchema,
    expiresAt: z.string(),
  })
  .openapi("Quote");

/** A payment method: the provider's token for it (a card number or anything else is never taken, stored or sent on). */
export const PaymentMethodSchema = z
  .string()
  .regex(/^pm_[A-Za-z0-9_]{1,64}$/, "a payment-method token such as pm_card_visa")
  .openapi({ example: "pm_card_visa" });

export const RideRequestSchema = z
  .object({
    pickup: PlaceSchema,
    dropoff: PlaceSchema,
    product: ProductSchema,
    paymentMethod: PaymentMethodSchema,
    quoteId: z.string().max(2000).optional(),
    parcel: ParcelRequestSchema.optional().openapi({
      description: "Required for parcel_small and parcel_large (weight within the class), refused for any other product",
    }),
  })
  .strict()
  .openapi("RideRequest");

export const RideSchema = z
  .object({
    id: z.string().openapi({ example: "rd_0m3k5q8v2c7h1x9z4w6b5n3r" }),
    status: z.enum(RIDE_STATUSES),
    version: z.number().int().openapi({ description: "Rises by one with every change of the ride: a gap between two pushes is a missed one." }),
    riderId: z.string(),
    product: ProductSchema,
    pickup: PlaceSchema,
    dropoff: PlaceSchema,
    quote: MoneySchema,
    driver: z.object({ id: z.string(), name: z.string(), vehicle: VehicleSchema, location: LatLngSchema.nullable() }).nullable(),
    etaSeconds: z.number().int().nullable(),
    fare: MoneySchema.nullable(),
    payment: z.object({ status: z.enum(PAYMENT_STATUSES), refundedAmount: MoneySchema.optional() }),
    cancellation: z
      .object({ by: z.enum(["rider", "driver", "ops", "system"]), reason: z.string() })
      .nullable()
      .describe("Who cancelled, and why. The driver reads `rider_cancelled` or `ops_cancelled` in place of a reason a rider or an operator wrote."),
    distanceMeters: z.number().int(),
    durationSeconds: z.number().int(),
    locale: z.enum(["ko", "en"]),
    createdAt: z.string(),
    updatedAt: z.string(),
    parcel: ParcelSchema.optional().openapi({ description: "Parcel rides only" }),
    handoverCode: z
      .string()
      .regex(/^\d{4}$/)
      .optional()
      .openapi({ description: "Parcel rides, to their sender only: the code the courier needs to complete", example: "4821" }),
  })
  .openapi("Ride");

export const CancelRequestSchema = z
  .object({ reason: z.string().min(1).max(200).optional() })
  .strict()
  .openapi("CancelRequest");

export const CompleteRequestSchema = z
  .object({
    distanceMeters: z.number().int().min(0).max(1_000_000).optional(),
    durationSeconds: z.number().int().min(0).max(86_400).optional(),
    handoverCode: z.string().max(16).optional().openapi({ description: "Parcel rides: the sender's code (wrong or missing: 409 handover_code_mismatch)" }),
  })
  .strict()
  .openapi("CompleteRequest");

export const TimelineSchema = z
  .object({
    items: z.array(
      z.object({
        type: z.string(),
        version: z
          .number()
          .int()
          .openapi({ description: "The version after the change that made the event: a ride's events of one change share it; a rental counts one per event." }),
        occurredAt: z.string(),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi("Timeline");

export const DriverProfileSchema = z
  .object({ name: z.string().min(1).max(80), vehicle: VehicleSchema })
  .strict()
  .openapi("DriverProfile");

export const DriverSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    vehicle: VehicleSchema,
    approval: z.enum(["pending", "approved", "rejected"]),
    approvalReason: z
      .string()
      .nullable()
      .openapi({ description: "The operator's reason for the last decision, or why the driver waits again (vehicle_changed)" }),
    status: z.enum(["offline", "available", "offered", "on_trip"]),
    location: LatLngSchema.nullable(),
    currentRideId: z.string().nullable(),
    version: z.number().int().openapi({
      description: "Grows with every change of the driver: of two copies of one driver (a list's row, a decision's answer), the higher is the newer",
    }),
  })
  .openapi("Driver");

export const DriverDecisionSchema = z
  .object({
    reason: z.string().min(1).max(500).optional(),
    vehicle: VehicleSchema.optional().openapi({
      description:
        "Approve only: the vehicle the operator reviewed. When the driver's differs since (plate or products), 409 invalid_transition and nothing changes: review it again.",
    }),
  })
  .strict()
  .openapi("DriverDecision");

export const GoOnlineSchema = z.object({ location: LatLngSchema }).strict().openapi("GoOnline");
export const LocationReportSchema = LatLngSchema.extend({ heading: z.number().min(0).max(360).optional() })
  .strict()
  .openapi("LocationReport");

export const OfferSchema = z
  .object({ rideId: z.string(), pickup: PlaceSchema, dropoff: PlaceSchema, product: ProductSchema, quote: MoneySchema, expiresAt: z.string() })
  .openapi("Offer");

/**
 * An optional filter sent empty (`?status=&limit=`, as the contract writes its URLs, and as a client
 * filling in that template sends it) is left out, as `limit=` is: the list unfiltered, not a 400.
 *
 * @example
 * z.object({ status: emptyIsUnset(z.enum(["a", "b"])) }).parse({ status: "" }); // {}
 */
export const emptyIsUnset = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

export const ListQuerySchema = z.object({
  // An empty value is left out (the default), never 0 (z.coerce.number() alone reads "" as 0).
  limit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(100).default(20)),
  cursor: emptyIsUnset(z.string().max(200)),
});

export const RideListQuerySchema = ListQuerySchema.extend({ status: emptyIsUnset(z.enum(RIDE_STATUSES)) });

export const IdParamSchema = z.object({
  id: z
    .string()
    .regex(ENTITY_ID)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: "The code's page, /problems/{code} (resolve it against the API's URL)", example: "/problems/not_found" }),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(PROBLEM_CODES),
    detail: z.string(),
    requestId: z.string().optional().openapi({ description: "The request's x-request-id" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "With invalid_request: each failing field" }),
    dues: MoneySchema.optional().openapi({ description: "With payment_required: what the caller still owes" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; `code` is the stable machine code" });

export const DevTokenRequestSchema = z
  .object({
    sub: z.string().regex(ENTITY_ID),
    role: z.enum(["rider", "driver", "ops"]),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .optional()
      .openapi({ description: "How long the token lasts (default a day): a short one tries what happens when it expires" }),
  })
  .strict()
  .openapi("DevTokenRequest");

export const page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** One operation of the payment ledger (a ride's or a rental's), as ops see it. */
export const LedgerEntrySchema = z
  .object({
    idempotencyKey: z.string(),
    kind: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    outcome: z.string(),
    provider: z.string(),
    providerRef: z.string().nullable(),
    detail: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("LedgerEntry");
