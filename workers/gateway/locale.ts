/** The language a ride's or rental's notices are written in, from the request's Accept-Language. */
import type { Locale } from "../../src/domain/types";

const SUPPORTED: readonly Locale[] = ["ko", "en"];

/**
 * The supported language the client ranks highest (`q`, then the order given), ko when it names
 * neither: a phone set to French with English second gets English, not Korean.
 *
 * @example
 * localeFrom("fr-FR,fr;q=0.9,en;q=0.8"); // "en"
 * localeFrom("ko;q=0.1,en;q=0.9"); // "en"
 * localeFrom(undefined); // "ko"
 */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  let best: { locale: Locale; q: number } | null = null;
  for (const part of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const locale = SUPPORTED.find((l) => tag === l || tag.startsWith(`${l}-`));
    if (!locale) continue;
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    // q=0 is "not this one"; a malformed q is ignored, as RFC 9110 lets a server do.
    if (!(q > 0 && q <= 1)) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale ?? "ko";
}
