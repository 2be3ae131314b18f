/** Schemas of drivers' balances and payouts and the commission report (validation and /openapi.json). */
import { z } from "@hono/zod-openapi";
import { ENTITY_ID } from "../../src/lib/ids";
import { emptyIsUnset, ListQuerySchema, MoneySchema, page } from "./schemas";

/**
 * Whether `s` starts with a day the calendar has: the runtime's `Date.parse` takes 2026-02-30
 * and answers 2 March, so a payout run or a report would silently cover days nobody asked for.
 */
function isCalendarDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO 8601 time (with its offset), as the ledger's times are compared. */
const Instant = (description: string) =>
  z
    .string()
    .max(40)
    .refine((s) => isCalendarDay(s) && Number.isFinite(Date.parse(s)), "an ISO 8601 time on a day that exists, e.g. 2026-01-31T15:00:00Z")
    .openapi({ description, example: "2026-01-31T15:00:00Z" });

export const BalanceSchema = z
  .object({
    owed: MoneySchema.openapi({ description: "Earned and not paid out yet (negative after a refund of a fare already paid out)" }),
    paid: MoneySchema.openapi({ description: "Paid out so far (succeeded payouts)" }),
    currency: z.literal("KRW"),
  })
  .openapi("Balance");

export const PayoutSchema = z
  .object({
    id: z.string(),
    amount: MoneySchema,
    cutoff: z.string().openapi({ description: "The run's cut-off: earnings up to this time are in the payout" }),
    status: z.enum(["pending", "succeeded", "failed"]).openapi({
      description: "failed: not paid; a payout the provider could not answer is sent again (same key) by the next run, a refused one is owed again",
    }),
    createdAt: z.string(),
  })
  .openapi("Payout");

export const OpsPayoutSchema = PayoutSchema.extend({
  driverId: z.string(),
  runId: z.string(),
  providerRef: z.string().nullable(),
  detail: z.string().nullable(),
  updatedAt: z.string(),
}).openapi("OpsPayout");

export const PayoutPageSchema = page(PayoutSchema).openapi("PayoutPage");
export const OpsPayoutPageSchema = page(OpsPayoutSchema).openapi("OpsPayoutPage");

export const PayoutListQuerySchema = ListQuerySchema;
export const OpsPayoutListQuerySchema = ListQuerySchema.extend({
  driverId: emptyIsUnset(z.string().regex(ENTITY_ID)),
});

export const PayoutRunRequestSchema = z
  .object({ cutoff: Instant("Earnings created before this time are paid (default: now; not in the future)").optional() })
  .strict()
  .openapi("PayoutRunRequest");

export const PayoutRunSchema = z
  .object({
    id: z.string().openapi({ description: "The run of this cut-off (the same cut-off is the same run)" }),
    cutoff: z.string(),
    drivers: z.number().int().openapi({ description: "Payouts made by this call" }),
    total: MoneySchema.openapi({ description: "What this call paid" }),
    failed: z.number().int().openapi({ description: "Payouts that failed in this call (see GET /v1/ops/payouts)" }),
    more: z.boolean().openapi({ description: "More drivers are owed than one call pays: run the same cut-off again" }),
    waitingForAccount: z.number().int().openapi({
      description:
        "Drivers owed something with no payout account on file (where the provider needs one): not paid, their balance waits for PUT /v1/ops/drivers/{id}/payout-account",
    }),
  })
  .openapi("PayoutRun");

export const CommissionQuerySchema = z.object({
  from: Instant("Start of the range (inclusive)"),
  to: Instant("End of the range (exclusive)"),
});

export const CommissionReportSchema = z
  .object({
    fares: MoneySchema,
    commission: MoneySchema,
    earnings: MoneySchema,
    rides: z.number().int().openapi({ description: "Captured rides whose fare was settled in the range" }),
    settled: z
      .object({ earnings: MoneySchema, rides: z.number().int() })
      .openapi({ description: "Rides the platform settled without a capture (card declined after boarding): what it paid their drivers" }),
  })
  .openapi("CommissionReport", {
    description: "Captured rides' settled fares and refund adjustments in [from, to): fares = commission + earnings; platform-settled rides apart",
  });

export const PayoutAccountSchema = z
  .object({
    accountId: z
      .string()
      .regex(/^acct_[A-Za-z0-9]{1,64}$/)
      .openapi({ description: "The driver's Stripe Connect account", example: "acct_1MTfjCQ9PRzxEwkZ" }),
  })
  .strict()
  .openapi("PayoutAccount");
