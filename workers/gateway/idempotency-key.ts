/** The `Idempotency-Key` header, as every route that takes one reads it. */
import { AppError } from "../../src/lib/problem";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

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
