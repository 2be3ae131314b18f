/** Identifiers: prefixed, URL-safe, and sortable by creation time where that helps lists. */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encode(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i % bytes.length]! % 32];
  return out;
}

/**
 * A new random id with a prefix.
 *
 * @example
 * newId("rd"); // "rd_0m3k5q...": time-ordered, 24 characters after the prefix
 */
export function newId(prefix: string, now = Date.now()): string {
  const time = now.toString(32).padStart(10, "0");
  return `${prefix}_${time}${encode(crypto.getRandomValues(new Uint8Array(14)), 14)}`;
}

/**
 * A ride id derived from the rider and an Idempotency-Key: the same pair always
 * names the same Ride Durable Object, so a retried request cannot make a second ride.
 */
export async function rideIdFor(riderId: string, idempotencyKey: string): Promise<string> {
  return keyedId("rd", riderId, idempotencyKey);
}

/**
 * The shape of every rental id `newId("rn")` and `rentalIdFor` make: a URL's or a
 * message's id that is not one of ours never reaches a Rental object.
 *
 * @example
 * RENTAL_ID.test(newId("rn")); // true
 */
export const RENTAL_ID = /^rn_[a-z0-9]{20,30}$/;

/**
 * What an id in a path or a query may be (a ride's, a driver's, a rider's): and so what a
 * token's `sub` must be, or an operator could never name that driver (approve, pay) or rider.
 * Identity providers' subjects pass: Auth0's `auth0|65f0…` and `google-oauth2|1049…` (sent
 * as `%7C` in a path), Sign in with Apple's `001234.5f0c….0123`, UUIDs. Not an e-mail (`@`: a
 * person's address would be written into every log line and view that names the user), not
 * `:` (ids are joined with it into keys), and not dots alone (`..` in a path is its parent).
 *
 * @example
 * ENTITY_ID.test("d_42"); // true; so is "auth0|65f0"; "kim@example.com" and ".." are not
 */
export const ENTITY_ID = /^(?!\.+$)[A-Za-z0-9_.|-]{1,128}$/;

/** A rental id derived from the rider and an Idempotency-Key, as `rideIdFor` does for rides. */
export async function rentalIdFor(riderId: string, idempotencyKey: string): Promise<string> {
  return keyedId("rn", riderId, idempotencyKey);
}

/** A rental vehicle id derived from the operator and an Idempotency-Key: a registration sent again after a lost answer is the same vehicle. */
export async function vehicleIdFor(operatorId: string, idempotencyKey: string): Promise<string> {
  return keyedId("rv", operatorId, idempotencyKey);
}

async function keyedId(prefix: string, riderId: string, idempotencyKey: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${riderId}\u0000${idempotencyKey}`));
  return `${prefix}_k${encode(new Uint8Array(digest), 23)}`;
}

/** Hex SHA-256 of a string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hex HMAC-SHA256 of `body` under `secret`: the webhook signature. */
export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
