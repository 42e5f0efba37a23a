/**
 * Query-string decoding and encoding, and percent-quoting, with Werkzeug 3.1's rules:
 * `+` is a space in queries, and invalid escapes or invalid UTF-8 stay as `%XX` text.
 *
 * @module
 */

import { RequestEntityTooLarge } from "./exceptions.ts";
import { MultiDict } from "./multi_dict.ts";
import { hexDigitValue } from "../gateway/hex_digit.ts";
import { decodeUtf8Escaping } from "../gateway/utf8_escaping.ts";

const HEX = "0123456789ABCDEF";
const ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function percent(byte: number): string {
  return "%" + HEX[byte >> 4] + HEX[byte & 15];
}

/**
 * Decodes UTF-8 bytes, writing each byte of an invalid sequence as `%XX` (uppercase hex)
 * instead of throwing or substituting U+FFFD, as Werkzeug's `werkzeug.url_quote` codec
 * error handler does.
 *
 * @param bytes The bytes to decode.
 * @returns The decoded text.
 */
export function decodeUtf8Quoting(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    // Fall back to the decoder that escapes what is not UTF-8.
  }
  return decodeUtf8Escaping(bytes, (i) => percent(bytes[i]!));
}

/**
 * Turns a latin-1 "byte string" (one char per byte, as environ values are) into text by
 * decoding it as UTF-8; invalid bytes become `%XX`. Strings holding characters above
 * U+00FF are taken to be text already and returned unchanged.
 *
 * @param s The latin-1 string.
 * @returns The decoded text.
 */
export function latin1ToText(s: string): string {
  let i = 0;
  const n = s.length;
  while (i < n && s.charCodeAt(i) < 0x80) i++;
  if (i === n) return s;
  const bytes = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c > 0xff) return s;
    bytes[k] = c;
  }
  return decodeUtf8Quoting(bytes);
}

/**
 * Percent-decodes `s` (Python's `urllib.parse.unquote` with Werkzeug's error handler):
 * `%XX` escapes become bytes decoded as UTF-8, an invalid sequence stays as uppercase
 * `%XX` text, and a `%` not followed by two hex digits is kept. Never throws.
 *
 * @example
 * ```ts
 * import { urlUnquote } from "@phial/phial";
 * urlUnquote("caf%C3%A9%ff"); // "café%FF"
 * ```
 *
 * @param s The text to decode.
 * @returns The decoded text.
 */
export function urlUnquote(s: string): string {
  let pct = s.indexOf("%");
  if (pct === -1) return s;
  let out = s.slice(0, pct);
  const n = s.length;
  let i = pct;
  let buf: number[] = [];
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < n) {
      const h = hexDigitValue(s.charCodeAt(i + 1));
      const l = hexDigitValue(s.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        buf.push((h << 4) | l);
        i += 3;
        continue;
      }
    }
    if (buf.length > 0) {
      out += decodeUtf8Quoting(Uint8Array.from(buf));
      buf = [];
    }
    // Copy up to the next "%" in one slice.
    pct = s.indexOf("%", i + 1);
    const end = pct === -1 ? n : pct;
    out += s.slice(i, end);
    i = end;
  }
  if (buf.length > 0) out += decodeUtf8Quoting(Uint8Array.from(buf));
  return out;
}

/**
 * Like {@linkcode urlUnquote}, but a `+` is a space first (`application/x-www-form-urlencoded`).
 *
 * @param s The text to decode.
 * @returns The decoded text.
 */
export function urlUnquotePlus(s: string): string {
  return urlUnquote(s.indexOf("+") === -1 ? s : s.replaceAll("+", " "));
}

const safeTables: Record<string, Uint8Array> = {};

function safeTable(safe: string): Uint8Array {
  let table = safeTables[safe];
  if (table === undefined) {
    table = new Uint8Array(128);
    for (const ch of ALWAYS_SAFE + safe) {
      const c = ch.charCodeAt(0);
      if (c < 128) table[c] = 1;
    }
    safeTables[safe] = table;
  }
  return table;
}

/**
 * Percent-encodes `s` as UTF-8 with the safe characters of `table` kept; with `plus`, a
 * space becomes `+`. A lone surrogate is encoded as U+FFFD, as `TextEncoder` would.
 */
function quoteWith(s: string, table: Uint8Array, plus: boolean): string {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || table[c] === 0 || (plus && c === 0x20)) break;
    i++;
  }
  if (i === n) return s;
  let out = s.slice(0, i);
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) {
      if (plus && c === 0x20) out += "+";
      else if (table[c] === 1) out += s[i];
      else out += percent(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x800) {
      out += percent(0xc0 | (c >> 6)) + percent(0x80 | (c & 63));
    } else if (c < 0x10000) {
      out += percent(0xe0 | (c >> 12)) + percent(0x80 | ((c >> 6) & 63)) +
        percent(0x80 | (c & 63));
    } else {
      out += percent(0xf0 | (c >> 18)) + percent(0x80 | ((c >> 12) & 63)) +
        percent(0x80 | ((c >> 6) & 63)) + percent(0x80 | (c & 63));
    }
  }
  return out;
}

/**
 * Percent-encodes `s` as UTF-8 (Python's `urllib.parse.quote`): letters, digits, `_.-~`
 * and the characters in `safe` are kept, everything else becomes uppercase `%XX`.
 *
 * @example
 * ```ts
 * import { urlQuote } from "@phial/phial";
 * urlQuote("/a b/é"); // "/a%20b/%C3%A9"
 * ```
 *
 * @param s The text to encode.
 * @param safe Characters to leave as they are (default `"/"`).
 * @returns The encoded text.
 */
export function urlQuote(s: string, safe: string = "/"): string {
  return quoteWith(s, safeTable(safe), false);
}

/**
 * Like {@linkcode urlQuote}, with spaces written as `+` (Python's `quote_plus`); `safe`
 * defaults to `""`.
 *
 * @param s The text to encode.
 * @param safe Characters to leave as they are.
 * @returns The encoded text.
 */
export function urlQuotePlus(s: string, safe: string = ""): string {
  return quoteWith(s, safeTable(safe), true);
}

/** Options of {@linkcode parseQueryPairs} and `urlDecodeQuery`. */
export interface UrlDecodeOptions {
  /**
   * The most `&`-separated fields accepted (empty ones count, as in Python's
   * `max_num_fields`); more make the decoder throw a `RangeError`.
   */
  maxParts?: number;
  /**
   * `qs` is text already (a decoded form body), not a latin-1 byte string: characters
   * above U+007F are kept as they are.
   */
  decoded?: boolean;
}

/**
 * Splits a query string into decoded `[key, value]` pairs, as Python's `parse_qsl` with
 * `keep_blank_values=True` and Werkzeug's error handler: fields are split on `&` only,
 * empty fields are skipped, a field without `=` has the value `""`, `+` is a space, and
 * bad escapes are kept as text. Characters above U+007F in `qs` are taken as latin-1
 * bytes (an environ's `QUERY_STRING`) and decoded as UTF-8.
 *
 * @param qs The query string, without `?`.
 * @param options `maxParts`.
 * @returns The pairs in order.
 */
export function parseQueryPairs(qs: string, options?: UrlDecodeOptions): [string, string][] {
  const pairs: [string, string][] = [];
  if (qs.length === 0) return pairs;
  const maxParts = options?.maxParts;
  if (maxParts !== undefined) {
    let fields = 1;
    for (let k = qs.indexOf("&"); k !== -1; k = qs.indexOf("&", k + 1)) fields++;
    if (fields > maxParts) {
      throw new RangeError(`Too many fields in the query string: more than ${maxParts}`);
    }
  }
  const text = options?.decoded ? qs : latin1ToText(qs);
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf("&", start);
    if (end === -1) end = n;
    if (end > start) {
      const eq = text.indexOf("=", start);
      if (eq === -1 || eq > end) {
        pairs.push([urlUnquotePlus(text.slice(start, end)), ""]);
      } else {
        pairs.push([
          urlUnquotePlus(text.slice(start, eq)),
          urlUnquotePlus(text.slice(eq + 1, end)),
        ]);
      }
    }
    start = end + 1;
  }
  return pairs;
}

/**
 * Decodes a query string into a {@linkcode MultiDict} (Werkzeug's `request.args`): see
 * {@linkcode parseQueryPairs} for the rules. Never throws on bad input; more fields than
 * `maxParts` is a 413 `RequestEntityTooLarge`.
 *
 * @example
 * ```ts
 * import { urlDecodeQuery } from "@phial/phial";
 * const args = urlDecodeQuery("q=caf%C3%A9&tag=a&tag=b&bad=%zz");
 * args.get("q"); // "café"
 * args.getlist("tag"); // ["a", "b"]
 * args.get("bad"); // "%zz"
 * ```
 *
 * @param qs The query string, without `?` (an environ's latin-1 `QUERY_STRING` is fine).
 * @param options `maxParts`, `decoded`.
 * @returns The decoded pairs.
 */
export function urlDecodeQuery(qs: string, options?: UrlDecodeOptions): MultiDict<string> {
  try {
    return new MultiDict(parseQueryPairs(qs, options));
  } catch (error) {
    if (error instanceof RangeError) throw new RequestEntityTooLarge();
    throw error;
  }
}

/** Anything {@linkcode urlEncode} accepts: pairs, a record (arrays give several pairs), or
 * any iterable of pairs such as a `MultiDict`. */
export type UrlEncodeInput =
  | Iterable<readonly [string, unknown]>
  | Record<string, unknown>;

const QUERY_SAFE = "!$'()*,/:;?@";

/**
 * Encodes pairs as a query string (Werkzeug's `_urlencode`): `quote_plus` with the safe
 * set `!$'()*,/:;?@`; `null`/`undefined` values are skipped, arrays in a record give one
 * pair per item, other values are turned into strings.
 *
 * @example
 * ```ts
 * import { urlEncode } from "@phial/phial";
 * urlEncode({ q: "a b", tag: ["x", "y"] }); // "q=a+b&tag=x&tag=y"
 * ```
 *
 * @param input Pairs, a record or a `MultiDict`.
 * @returns The query string, without `?`.
 */
export function urlEncode(input: UrlEncodeInput): string {
  const parts: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    parts.push(
      urlQuotePlus(String(key), QUERY_SAFE) + "=" + urlQuotePlus(String(value), QUERY_SAFE),
    );
  };
  if (isIterable(input)) {
    for (const [key, value] of input) add(key, value);
  } else {
    for (const key of Object.keys(input)) {
      const value = input[key];
      if (Array.isArray(value)) {
        for (const item of value) add(key, item);
      } else {
        add(key, value);
      }
    }
  }
  return parts.join("&");
}

function isIterable(x: unknown): x is Iterable<readonly [string, unknown]> {
  return typeof x === "object" && x !== null &&
    typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

/**
 * Percent-decodes `s` except for escapes of the characters in `keep` (which must be
 * ASCII), leaving invalid UTF-8 as `%XX`. This is Werkzeug's per-part `uri_to_iri` step.
 *
 * @param s The URI part.
 * @param keep Characters whose escapes stay encoded.
 * @returns The IRI part.
 */
export function unquoteExcept(s: string, keep: string): string {
  if (s.indexOf("%") === -1) return s;
  let out = "";
  let segStart = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) !== 37 || i + 2 >= n) continue;
    const h = hexDigitValue(s.charCodeAt(i + 1));
    const l = hexDigitValue(s.charCodeAt(i + 2));
    if (h < 0 || l < 0) continue;
    const byte = (h << 4) | l;
    if (byte < 128 && keep.indexOf(String.fromCharCode(byte)) !== -1) {
      out += urlUnquote(s.slice(segStart, i)) + s.slice(i, i + 3);
      segStart = i + 3;
      i += 2;
    }
  }
  return out + urlUnquote(s.slice(segStart));
}
