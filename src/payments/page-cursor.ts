/**
 * Opaque cursors for the ledger's read pages: the position of the last item handed out,
 * base64-encoded so callers pass it back without reading into it.
 */

/**
 * @example
 * const cursor = encodeCursor(["2026-01-01T00:00:00.000Z", "rd_1"]);
 * decodeCursor(cursor, 2); // ["2026-01-01T00:00:00.000Z", "rd_1"]
 */
export function encodeCursor(parts: readonly string[]): string {
  const bytes = new TextEncoder().encode(parts.join("|"));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Whether `cursor` reads as one of `encodeCursor`'s of `count` parts: what a caller checks before
 * handing a client's cursor to the ledger, whose pages throw on anything else.
 *
 * @example
 * isCursor("%%%", 1); // false
 */
export function isCursor(cursor: string, count: number): boolean {
  try {
    decodeCursor(cursor, count);
    return true;
  } catch {
    return false;
  }
}

/**
 * The parts of a cursor made by `encodeCursor`. The last part may itself hold `|` (only the
 * first `count - 1` separators split). Throws on anything that is not such a cursor.
 *
 * @example
 * decodeCursor(encodeCursor(["a", "b|c"]), 2); // ["a", "b|c"]
 */
export function decodeCursor(cursor: string, count: number): string[] {
  let text: string;
  try {
    const binary = atob(cursor);
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    throw new Error("invalid page cursor");
  }
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf("|");
    if (at < 0) throw new Error("invalid page cursor");
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/**
 * A page size the ledger will serve: whole, at least 1, at most `max`.
 *
 * @example
 * pageLimit(0); // 1
 * pageLimit(10_000); // 1000
 */
export function pageLimit(limit: number, max = 1000): number {
  return Number.isFinite(limit) ? Math.min(Math.max(Math.floor(limit), 1), max) : max;
}
