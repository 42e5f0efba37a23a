/**
 * Percent-encoding and Python-style value printing used when building URLs, shaped after
 * Python's `urllib.parse.quote` / `urlencode` as Werkzeug calls them.
 *
 * @module
 */

import { urlQuote, urlQuotePlus } from "../http/urls.ts";

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
 * Prints a float as Python's `repr(float)` does: `2` → `"2.0"`, `1e16` → `"1e+16"`,
 * `1.5e-5` → `"1.5e-05"`, `NaN` → `"nan"`.
 *
 * @param x The number.
 * @returns Python's spelling of the float.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp >= -4 && exp < 16) {
    // Python uses fixed notation for exponents in [-4, 16).
    let text: string;
    if (exp >= 0) {
      const intPart = digits.length > exp + 1
        ? digits.slice(0, exp + 1)
        : digits + "0".repeat(exp + 1 - digits.length);
      const frac = digits.slice(exp + 1) || "0";
      text = `${intPart}.${frac}`;
    } else {
      text = `0.${"0".repeat(-exp - 1)}${digits}`;
    }
    return sign + text;
  }
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
  const expSign = exp < 0 ? "-" : "+";
  const expAbs = String(Math.abs(exp)).padStart(2, "0");
  return `${sign}${digits[0]}${frac}e${expSign}${expAbs}`;
}

/**
 * Converts a value to text as Python's `str()` would for the matching Python value:
 * `true` → `"True"`, `null` → `"None"`, integers as digits, other numbers as floats.
 *
 * @param value Any value.
 * @returns Its text.
 */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (Number.isInteger(value)) {
        return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
      }
      return pyFloatRepr(value);
    case "boolean":
      return value ? "True" : "False";
    case "bigint":
      return value.toString();
    case "undefined":
      return "None";
    default:
      if (value === null) return "None";
      return String(value);
  }
}

/**
 * Python's `repr()` of a string or a list of strings (single quotes unless the text
 * holds one), for messages that match Werkzeug's.
 *
 * @param value A string, number, or array of them.
 * @returns The repr text.
 */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value !== "string") return pyStr(value);
  const quoteChar = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quoteChar;
  for (const c of value) {
    if (c === "\\") out += "\\\\";
    else if (c === quoteChar) out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else out += c;
  }
  return out + quoteChar;
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
