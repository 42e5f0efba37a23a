/**
 * Percent-encoding used when building URLs, shaped after Python's `urllib.parse.quote` /
 * `urlencode` as Werkzeug calls them.
 *
 * @module
 */

import { urlQuote, urlQuotePlus } from "../http/urls.ts";
import { pyStr } from "../http/python_text.ts";

/** Characters Werkzeug leaves unescaped in a path segment (WHATWG path-segment set). */
export const PATH_SAFE = "!$&'()*+,/:;=@";
/** Characters Werkzeug leaves unescaped in a query string (`+` stands for a space). */
export const QUERY_SAFE = "!$'()*,/:;?@";

/**
 * Percent-encodes `s` as UTF-8 like Python's `urllib.parse.quote(s, safe)`: letters,
 * digits, `_.-~` and the characters in `safe` stay as they are.
 *
 * @param s The text to encode.
 * @param safe Extra characters to keep (default: the path-segment set Werkzeug uses).
 * @returns The encoded text.
 * @example
 * ```ts
 * quote("a b/ü"); // "a%20b/%C3%BC"
 * ```
 */
export function quote(s: string, safe: string = PATH_SAFE): string {
  return urlQuote(s, safe);
}

/**
 * Like {@link quote}, but a space becomes `+` (Python's `quote_plus`).
 *
 * @param s The text to encode.
 * @param safe Extra characters to keep (default: the query set Werkzeug uses).
 * @returns The encoded text.
 */
export function quotePlus(s: string, safe: string = QUERY_SAFE): string {
  return urlQuotePlus(s, safe);
}

/**
 * Encodes `[key, value]` pairs as a query string the way Werkzeug does: `null` and
 * `undefined` values are skipped, values go through {@link pyStr}, spaces become `+`.
 *
 * @param pairs The pairs, in order.
 * @returns `a=1&b=x+y` (no leading `?`).
 */
export function encodeQueryPairs(pairs: Iterable<readonly [string, unknown]>): string {
  let out = "";
  for (const [key, value] of pairs) {
    if (value === null || value === undefined) continue;
    if (out !== "") out += "&";
    out += quotePlus(key) + "=" + quotePlus(pyStr(value));
  }
  return out;
}

/**
 * Flattens a values object into query pairs: an array value gives one pair per item
 * (Werkzeug's `iter_multi_items`).
 *
 * @param values The values, e.g. `{ q: "x", tag: ["a", "b"] }`.
 * @returns `[["q", "x"], ["tag", "a"], ["tag", "b"]]`.
 */
export function multiItems(values: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key in values) {
    const value = values[key];
    if (Array.isArray(value) || value instanceof Set) {
      for (const item of value) out.push([key, item]);
    } else {
      out.push([key, value]);
    }
  }
  return out;
}
