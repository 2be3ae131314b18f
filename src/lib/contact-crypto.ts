/**
 * Phone numbers are never stored or logged in the clear: they are kept encrypted
 * (AES-256-GCM under the CONTACT_KEY secret) with only a masked hint beside them, and
 * decrypted by the notification worker at the moment of sending. A short secret kept
 * outside its object (a parcel's handover code in the views) is sealed the same way,
 * bound to its purpose and item (`sealFor`).
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The key of each secret, made once per isolate (a list page opens up to 100 copies). */
const keys = new Map<string, Promise<CryptoKey>>();

function keyFrom(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.digest("SHA-256", enc.encode(secret)).then((raw) => crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    // A rotated secret's key is not kept beside the new one for good: few secrets, but not grown without bound.
    if (keys.size >= 4) keys.clear();
    keys.set(secret, key);
    // A key that could not be made is not kept: the next call tries again.
    const made = key;
    made.catch(() => keys.get(secret) === made && keys.delete(secret));
  }
  return key;
}

/** A Korean mobile number in E.164 (+8210…), or null when it is not one. */
export function normalizeKoreanMobile(input: string): string | null {
  const digits = input.replace(/[\s().-]/g, "");
  const m = /^(?:\+82|0)(1[016789]\d{7,8})$/.exec(digits);
  return m ? `+82${m[1]}` : null;
}

/** What may be shown or logged: the last four digits. */
export function phoneHint(e164: string): string {
  return `***-****-${e164.slice(-4)}`;
}

/**
 * @example
 * const sealed = await sealPhone(env.CONTACT_KEY, "+821012345678");
 * await openPhone(env.CONTACT_KEY, sealed); // "+821012345678"
 */
export function sealPhone(secret: string, e164: string): Promise<string> {
  return seal(secret, e164);
}

export function openPhone(secret: string, sealed: string): Promise<string> {
  return open(secret, sealed);
}

/**
 * A short secret sealed for one purpose of one item, such as a parcel's handover code for its
 * ride: as a phone is, with the purpose and the item's id bound in (AES-GCM's associated data),
 * so that a sealed value copied to another item's row, or to another purpose, does not open
 * there. `openFor` throws on a value sealed for another item or purpose, under another key, or
 * changed.
 *
 * @example
 * const sealed = await sealFor(env.CONTACT_KEY, "handover", "rd_1", "4821");
 * await openFor(env.CONTACT_KEY, "handover", "rd_1", sealed); // "4821"
 */
export async function sealFor(secret: string, purpose: string, itemId: string, text: string): Promise<string> {
  return seal(secret, text, boundTo(purpose, itemId));
}

export async function openFor(secret: string, purpose: string, itemId: string, sealed: string): Promise<string> {
  return open(secret, sealed, boundTo(purpose, itemId));
}

function boundTo(purpose: string, itemId: string): string {
  if (!purpose || !itemId) throw new Error("a sealed value is bound to a purpose and an item");
  return `${purpose}:${itemId}`;
}

/** AES-GCM's associated data: `purpose:item` for a value sealed for one (`boundTo`); none for a phone, sealed before values were bound. */
const bound = (aad: string | undefined) => (aad === undefined ? {} : { additionalData: enc.encode(aad) });

async function seal(secret: string, text: string, aad?: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: "AES-GCM", iv, ...bound(aad) };
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, await keyFrom(secret), enc.encode(text)));
  return `${b64(iv)}.${b64(sealed)}`;
}

async function open(secret: string, sealed: string, aad?: string): Promise<string> {
  const [iv, data] = sealed.split(".");
  if (!iv || !data) throw new Error("not a sealed contact");
  const params = { name: "AES-GCM", iv: unb64(iv), ...bound(aad) };
  return dec.decode(await crypto.subtle.decrypt(params, await keyFrom(secret), unb64(data)));
}
