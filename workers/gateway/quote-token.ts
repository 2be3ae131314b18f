/**
 * Quotes are stateless: the quoteId is the quote itself, signed. A ride that names
 * a quoteId gets that fare if the signature, rider, route and expiry all match.
 */
import type { LatLng, Money, Product } from "../../src/domain/types";
import { hmacSha256Hex } from "../../src/lib/ids";

export interface QuotePayload {
  riderId: string;
  product: Product;
  pickup: LatLng;
  dropoff: LatLng;
  fare: Money;
  distanceMeters: number;
  durationSeconds: number;
  expiresAt: string;
}

const b64 = (s: string) =>
  btoa(unescape(encodeURIComponent(s)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const unb64 = (s: string) => decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/"))));

/** A point as a quote keeps it: its coordinates, not the address given with them (200 Hangul characters each would outgrow the quoteId a ride request takes). */
const point = (p: LatLng): LatLng => ({ lat: p.lat, lng: p.lng });

/** @example const quoteId = await signQuote(secret, payload); // "qt_<payload>.<mac>" */
export async function signQuote(secret: string, payload: QuotePayload): Promise<string> {
  const body = b64(JSON.stringify({ ...payload, pickup: point(payload.pickup), dropoff: point(payload.dropoff) }));
  return `qt_${body}.${await hmacSha256Hex(secret, body)}`;
}

/** The quote behind a quoteId, or null when forged, malformed or expired. */
export async function verifyQuote(secret: string, quoteId: string, now = Date.now()): Promise<QuotePayload | null> {
  const match = /^qt_([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/.exec(quoteId);
  if (!match) return null;
  const [, body, mac] = match as unknown as [string, string, string];
  if (!sameText(await hmacSha256Hex(secret, body), mac)) return null;
  try {
    const payload = JSON.parse(unb64(body)) as QuotePayload;
    return Date.parse(payload.expiresAt) > now ? payload : null;
  } catch {
    return null;
  }
}

/** Whether two strings of one length are equal, in a time that does not depend on where they differ (a MAC's bytes are not to be guessed one by one). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Same point to about a metre. */
export const samePoint = (a: LatLng, b: LatLng) => Math.abs(a.lat - b.lat) < 1e-5 && Math.abs(a.lng - b.lng) < 1e-5;
