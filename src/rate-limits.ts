/**
 * The gateway's rate limiters, as data: the binding of each in wrangler.toml
 * (`[[ratelimits]]`) and its period. The binding answers only yes or no, never when its
 * window ends, so Retry-After is the whole period: the latest a caller may have to wait.
 * test/deploy-config.unit.test.ts checks the periods against every environment's config.
 *
 * @example
 * const retryAfter = LIMITERS.location.periodS; // 10
 */
export const LIMITERS = {
  rider: { binding: "RIDER_LIMITER", periodS: 60, what: "ride, quote, rental and dues payment requests" },
  location: { binding: "LOCATION_LIMITER", periodS: 10, what: "location reports" },
  ip: { binding: "IP_LIMITER", periodS: 60, what: "unauthenticated requests from this address" },
  account: { binding: "ACCOUNT_LIMITER", periodS: 60, what: "changes to this account (profile, phone number)" },
  user: { binding: "USER_LIMITER", periodS: 60, what: "requests from this account" },
} as const;

export type LimiterName = keyof typeof LIMITERS;
