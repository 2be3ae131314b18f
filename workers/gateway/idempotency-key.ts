/** The `Idempotency-Key` header, as every route that takes one reads it and declares it. */
import { z } from "@hono/zod-openapi";
import { AppError, unwrap, type Outcome } from "../../src/lib/problem";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The header as the OpenAPI document declares it, the rule `idempotencyKey` enforces written
 * out for generated clients (the handler answers 400 `invalid_request` for one that breaks it).
 *
 * @example
 * request: { ...jsonBody(RideRequestSchema), headers: IdempotencyKeyHeaders }
 */
export const IdempotencyKeyHeaders = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({ pattern: IDEMPOTENCY_KEY.source, minLength: 1, maxLength: 255, description: "1 to 255 visible ASCII characters (no space)" }),
});

/**
 * The request's Idempotency-Key, or undefined without one; 400 `invalid_request` for one
 * that is not 1 to 255 visible ASCII characters (an empty key would make every keyless-looking
 * request of a client the same one).
 *
 * @example
 * const key = idempotencyKey(c.req.header("idempotency-key")); // "retry-7f3a" | undefined
 */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header !== undefined && !IDEMPOTENCY_KEY.test(header)) throw new AppError("invalid_request", "Idempotency-Key: 1 to 255 visible ASCII characters");
  return header;
}

/**
 * What this rider's key made already, else `error` thrown. A keyed create refused for what may
 * have come up since its request was made (a quote expired, dues, a cell gone empty, a body that
 * no longer prices) answers what the key made instead: a retry after a lost answer gets its ride
 * or rental back, whatever its body ("the same rider with the same key gets the same ride back").
 *
 * @example
 * if (dues) return c.json(await madeOrThrow(key ? () => stub.made(rider.id) : null, duesRequired(dues)), 202);
 */
export async function madeOrThrow<T>(made: (() => Promise<Outcome<T> | null>) | null, error: AppError): Promise<T> {
  const found = made ? await made() : null;
  if (!found) throw error;
  return unwrap(found);
}
