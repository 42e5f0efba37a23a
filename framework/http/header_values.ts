/**
 * Header value syntax (RFC 9110): quoting, `value; key=param` options headers (with RFC
 * 2231 charsets and continuations), comma-separated lists and `key=value` dicts — with
 * Werkzeug 3.1's parsing rules and leniency.
 *
 * @module
 */

import { isTokenText } from "../gateway/http1_bytes.ts";

/**
 * Whether `value` is a non-empty RFC 9110 token.
 *
 * @param value Any text.
 * @returns True for a token such as `"text"` or `"gzip"`.
 */
export function isToken(value: string): boolean {
  return isTokenText(String(value));
}

/**
 * Quotes a header value unless it is a token: `"` and `\` are backslash-escaped and the
 * empty string becomes `""` (Werkzeug's `quote_header_value`).
 *
 * @param value The value (converted with `String`).
 * @param allowToken Set to false to quote even a token.
 * @returns The value, quoted if needed.
 * @example
 * ```ts
 * import { quoteHeaderValue } from "@phial/phial";
 * quoteHeaderValue("foo bar"); // '"foo bar"'
 * quoteHeaderValue("foo");     // "foo"
 * ```
 */
export function quoteHeaderValue(value: unknown, allowToken: boolean = true): string {
  const text = String(value);
  if (text === "") return '""';
  if (allowToken && isTokenText(text)) return text;
  return `"${text.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * Removes surrounding double quotes and backslash escapes (Werkzeug's
 * `unquote_header_value`); a value that is not quoted is returned as is.
 *
 * @param value A header value.
 * @returns The unquoted value.
 */
export function unquoteHeaderValue(value: string): string {
  if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
    return value.slice(1, -1).replace(/\\([\s\S])/g, "$1");
  }
  return value;
}

/** A parameter value for `dumpOptionsHeader` / `dumpHeader`; `null`/`undefined` skip it. */
export type HeaderParam = string | number | boolean | null | undefined;

/**
 * Builds `value; key=param` (Werkzeug's `dump_options_header`): values that are not
 * tokens are quoted, `null`/`undefined` parameters are skipped, and a key ending in `*`
 * is taken as already RFC 2231 encoded.
 *
 * @param header The main value, or `null` for parameters only.
 * @param options The parameters, in order.
 * @returns The header value.
 * @example
 * ```ts
 * import { dumpOptionsHeader } from "@phial/phial";
 * dumpOptionsHeader("attachment", { filename: "my file.txt" });
 * // 'attachment; filename="my file.txt"'
 * ```
 */
export function dumpOptionsHeader(
  header: string | null | undefined,
  options: Record<string, HeaderParam>,
): string {
  const segments: string[] = [];
  if (header !== null && header !== undefined) segments.push(header);
  for (const [key, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue;
    segments.push(key.endsWith("*") ? `${key}=${value}` : `${key}=${quoteHeaderValue(value)}`);
  }
  return segments.join("; ");
}

/**
 * Builds a comma-separated header from items, quoting as needed; from a record, builds
 * `key=value` items where a `null` value gives the bare key (Werkzeug's `dump_header`).
 *
 * @param items The items or the key/value record.
 * @returns The header value.
 */
export function dumpHeader(items: Iterable<unknown> | Record<string, HeaderParam>): string {
  const out: string[] = [];
  if (typeof (items as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const item of items as Iterable<unknown>) out.push(quoteHeaderValue(item));
  } else {
    for (const [key, value] of Object.entries(items as Record<string, HeaderParam>)) {
      if (value === null || value === undefined) out.push(key);
      else if (key.endsWith("*")) out.push(`${key}=${value}`);
      else out.push(`${key}=${quoteHeaderValue(value)}`);
    }
  }
  return out.join(", ");
}

/**
 * Splits a comma-separated header into items (Werkzeug's `parse_list_header`): commas
 * inside quoted strings do not split, surrounding quotes are removed, empty items are
 * dropped, and an unclosed quoted string gives `[]`.
 *
 * @param value The header value.
 * @returns The items.
 * @example
 * ```ts
 * import { parseListHeader } from "@phial/phial";
 * parseListHeader('token, "quoted, value"'); // ["token", "quoted, value"]
 * ```
 */
export function parseListHeader(value: string): string[] {
  const items: string[] = [];
  let start = 0;
  let quote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === ",") {
      items.push(value.slice(start, i));
      start = i + 1;
    } else if (c === '"') quote = true;
  }
  if (quote) return [];
  items.push(value.slice(start));
  const out: string[] = [];
  for (const item of items) {
    const trimmed = item.trim();
    if (trimmed !== "") out.push(unquoteHeaderValue(trimmed));
  }
  return out;
}

const HEX2_RE = /^[0-9A-Fa-f]{2}$/;
const SAFE_CHARSETS = new Set(["ascii", "us-ascii", "utf-8", "iso-8859-1"]);
const CHARSET_VALUE_RE = /^([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)/;

/**
 * Percent-decodes `text` with a charset, as Python's `unquote(errors="replace")`:
 * invalid UTF-8 becomes U+FFFD, malformed escapes are kept.
 */
export function percentDecode(text: string, charset: string = "utf-8"): string {
  if (!text.includes("%")) return text;
  const latin1 = charset === "iso-8859-1";
  const ascii = charset === "ascii" || charset === "us-ascii";
  let out = "";
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    if (latin1) out += String.fromCharCode(...bytes);
    else if (ascii) out += bytes.map((b) => b < 0x80 ? String.fromCharCode(b) : "\ufffd").join("");
    else out += new TextDecoder("utf-8").decode(new Uint8Array(bytes));
    bytes = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "%" && HEX2_RE.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += c;
    }
  }
  flush();
  return out;
}

/**
 * Parses a comma-separated list of `key=value` items (Werkzeug's `parse_dict_header`):
 * a key without `=` maps to `null`, `key*=charset''value` items are decoded, and an
 * unclosed quoted string gives `{}`.
 *
 * @param value The header value.
 * @returns The parameters, in order.
 * @example
 * ```ts
 * import { parseDictHeader } from "@phial/phial";
 * parseDictHeader('a=b, c="d, e", f'); // { a: "b", c: "d, e", f: null }
 * ```
 */
export function parseDictHeader(value: string): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const item of parseListHeader(value)) {
    const eq = item.indexOf("=");
    let key = (eq === -1 ? item : item.slice(0, eq)).trim();
    if (key === "") continue;
    if (eq === -1) {
      defineKey(result, key, null);
      continue;
    }
    let val = item.slice(eq + 1).trim();
    if (key.endsWith("*")) {
      key = key.slice(0, -1);
      let charset: string | undefined;
      const match = CHARSET_VALUE_RE.exec(val);
      if (match) {
        charset = match[1]!.toLowerCase();
        val = match[2]!;
      }
      if (charset !== undefined && SAFE_CHARSETS.has(charset)) val = percentDecode(val, charset);
    }
    defineKey(result, key, unquoteHeaderValue(val));
  }
  return result;
}

/** Sets `key` as an own data property even when it is `"__proto__"`. */
function defineKey<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const PARAM_KEY_RE = /^([\w!#$%&'*+\-.^`|~]+)=/;
const PARAM_TOKEN_RE = /^[\w!#$%&'*+\-.^`|~]+/;
const CONTINUATION_RE = /\*(\d+)$/;

/**
 * Parses `value; key=param; …` (Werkzeug's `parse_options_header`): the value is
 * trimmed, keys are lower-cased, invalid parts are skipped, quoted values are unquoted
 * (`\"` and `%22` both give `"`), RFC 2231 `key*=utf-8''…` values are decoded and
 * `key*0`, `key*1` continuations are joined.
 *
 * @param value The header value (`null`/`undefined` gives `["", {}]`).
 * @returns `[value, params]`.
 * @example
 * ```ts
 * import { parseOptionsHeader } from "@phial/phial";
 * parseOptionsHeader("text/html; charset=UTF-8"); // ["text/html", { charset: "UTF-8" }]
 * ```
 */
export function parseOptionsHeader(
  value: string | null | undefined,
): [string, Record<string, string>] {
  if (value === null || value === undefined) return ["", {}];
  const semi = value.indexOf(";");
  const main = (semi === -1 ? value : value.slice(0, semi)).trim();
  let rest = semi === -1 ? "" : value.slice(semi + 1).trim();
  if (main === "" || rest === "") return [main, {}];

  const parts: [string, string][] = [];
  for (;;) {
    const keyMatch = PARAM_KEY_RE.exec(rest);
    if (keyMatch !== null) {
      const key = keyMatch[1]!.toLowerCase();
      rest = rest.slice(keyMatch[0].length);
      const tokenMatch = PARAM_TOKEN_RE.exec(rest);
      if (tokenMatch !== null) parts.push([key, tokenMatch[0]]);
      else if (rest[0] === '"') {
        let pos = 1;
        while (pos < rest.length) {
          const two = rest.slice(pos, pos + 2);
          if (two === "\\\\" || two === '\\"') pos += 2;
          else if (rest[pos] === '"') {
            parts.push([key, rest.slice(0, pos + 1)]);
            rest = rest.slice(pos + 1);
            break;
          } else pos += 1;
        }
      }
    }
    const end = rest.indexOf(";");
    if (end === -1) break;
    rest = rest.slice(end + 1).trimStart();
  }

  const options: Record<string, string> = {};
  let charset: string | undefined;
  let continuedCharset: string | undefined;
  for (let [key, val] of parts) {
    if (key.endsWith("*")) {
      key = key.slice(0, -1);
      const match = CHARSET_VALUE_RE.exec(val);
      if (match) {
        charset = match[1]!.toLowerCase();
        val = match[2]!;
      }
      if (!charset) charset = continuedCharset;
      if (charset !== undefined && SAFE_CHARSETS.has(charset)) {
        continuedCharset = charset;
        val = percentDecode(val, charset);
      }
    }
    if (val.length >= 2 && val[0] === '"' && val[val.length - 1] === '"') {
      val = val.slice(1, -1).replaceAll("\\\\", "\\").replaceAll('\\"', '"').replaceAll(
        "%22",
        '"',
      );
    }
    const cont = CONTINUATION_RE.exec(key);
    if (cont !== null) {
      key = key.slice(0, cont.index);
      defineKey(options, key, (Object.hasOwn(options, key) ? options[key] : "") + val);
    } else defineKey(options, key, val);
  }
  return [main, options];
}
