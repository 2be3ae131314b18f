/**
 * A parcel request at the gateway: the class check (a 400 before anything is created),
 * the recipient's phone sealed at once (it goes no further in the clear), and the
 * sender's handover code drawn from the CSPRNG, with a copy sealed for the ride (the views
 * keep that copy, so that the sender's list opens it instead of asking each ride).
 */
import type { Config } from "../../src/config";
import { newHandoverCode, parcelProblem, type ParcelRequest } from "../../src/domain/ride/parcel";
import type { Product } from "../../src/domain/types";
import { normalizeKoreanMobile, sealFor, sealPhone } from "../../src/lib/contact-crypto";
import { hmacSha256Hex, sha256Hex } from "../../src/lib/ids";
import { AppError } from "../../src/lib/problem";
import type { CreateRideInput } from "../../src/ride/ride-record";

/** What a parcel's sealed handover code is bound to, with its ride's id (`sealFor`): opened by the sender's list only. */
export const HANDOVER = "handover";

/**
 * Refuses (400 invalid_request) a parcel that does not fit `product`'s class, or a
 * parcel on a product that carries none.
 *
 * @example
 * checkParcel("parcel_small", body.parcel, config); // throws when body.parcel weighs 12 kg
 */
export function checkParcel(product: Product, parcel: ParcelRequest | undefined, config: Pick<Config, "parcelMaxKg">): void {
  const problem = parcelProblem(product, parcel, config.parcelMaxKg);
  if (problem) throw new AppError("invalid_request", problem);
  if (parcel && !normalizeKoreanMobile(parcel.recipient.phone)) {
    throw new AppError("invalid_request", "parcel.recipient.phone: a Korean mobile number, such as 010-1234-5678");
  }
}

/**
 * What ride `rideId` keeps of its parcel: the view, the sender's code (and sealed for the ride), the sealed phone.
 *
 * @example
 * const parcel = await parcelInput(c.env, "parcel_small", body.parcel, config, rideId);
 */
export async function parcelInput(
  env: Pick<Env, "CONTACT_KEY">,
  product: Product,
  parcel: ParcelRequest | undefined,
  config: Pick<Config, "parcelMaxKg">,
  rideId: string,
): Promise<CreateRideInput["parcel"]> {
  checkParcel(product, parcel, config);
  if (!parcel) return undefined;
  if (!env.CONTACT_KEY) throw new AppError("internal", "CONTACT_KEY is not configured");
  const phone = normalizeKoreanMobile(parcel.recipient.phone)!;
  const handoverCode = newHandoverCode();
  return {
    view: { weightKg: parcel.weightKg, recipient: { name: parcel.recipient.name }, note: parcel.note ?? null },
    handoverCode,
    handoverSealed: await sealFor(env.CONTACT_KEY, HANDOVER, rideId, handoverCode),
    recipientPhoneSealed: await sealPhone(env.CONTACT_KEY, phone),
  };
}

/**
 * The hash a ride keeps to tell a retry from a different request under the same
 * Idempotency-Key. A plain hash of a body with a phone number in it could be reversed by
 * trying every number, so the recipient's phone enters it only as an HMAC under CONTACT_KEY;
 * a body without a parcel hashes as it always did.
 *
 * @example
 * const hash = await requestHash(c.env, body); // the same for the same body, never the phone's plain hash
 */
export async function requestHash(env: Pick<Env, "CONTACT_KEY">, body: Record<string, unknown> & { parcel?: ParcelRequest }): Promise<string> {
  if (!body.parcel) return sha256Hex(JSON.stringify(body));
  const phone = await hmacSha256Hex(env.CONTACT_KEY ?? "", body.parcel.recipient.phone);
  return sha256Hex(JSON.stringify({ ...body, parcel: { ...body.parcel, recipient: { ...body.parcel.recipient, phone } } }));
}
