/**
 * Phone numbers are never stored or logged in the clear: they are kept encrypted
 * (AES-256-GCM under the CONTACT_KEY secret) with only a masked hint beside them, and
 * decrypted by the notification worker at the moment of sending.
 */

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function keyFrom(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest("SHA-256", enc.encode(secret));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
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
export async function sealPhone(secret: string, e164: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFrom(secret), enc.encode(e164)));
  return `${b64(iv)}.${b64(sealed)}`;
}

export async function openPhone(secret: string, sealed: string): Promise<string> {
  const [iv, data] = sealed.split(".");
  if (!iv || !data) throw new Error("not a sealed contact");
  return dec.decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(iv) }, await keyFrom(secret), unb64(data)));
}
