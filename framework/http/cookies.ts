/**
 * Cookies (RFC 6265): parsing a request's `Cookie` header with Werkzeug's leniency, and
 * serializing a `Set-Cookie` value as Werkzeug 3.1's `dump_cookie`.
 *
 * @module
 */

import type { Environ } from "../gateway/types.ts";
import { httpDate } from "./dates.ts";
import { MultiDict } from "./multi_dict.ts";
import { urlQuote } from "./urls.ts";
import { isTokenText } from "../gateway/http1_bytes.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A latin-1 header string (one char per byte) read as UTF-8; invalid bytes → U+FFFD. */
function latin1ToUtf8(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) return text; // not a latin-1 byte string: already decoded text
    if (c > 0x7f) ascii = false;
  }
  if (ascii) return text;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return decoder.decode(bytes);
}

/** Python's ASCII `\s`. */
function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index of the `"` closing the quoted string opened at `open`, or -1 (`\` escapes one char). */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i;
    if (c === 0x5c) {
      if (i + 1 >= text.length || text.charCodeAt(i + 1) === 0x0a) return -1;
      i++;
    }
  }
  return -1;
}

/**
 * The `[name, rawValue]` pairs Werkzeug's cookie regex finds (`re.findall`) in `cookie`,
 * computed in one linear pass (the regex backtracks quadratically on some inputs).
 */
function splitCookiePairs(cookie: string): [string, string][] {
  const out: [string, string][] = [];
  const length = cookie.length;
  let s = 0;
  while (s < length) {
    let e = s;
    while (e < length && cookie[e] !== "=" && cookie[e] !== ";") e++;
    if (e >= length) break;
    if (cookie[e] === ";") {
      out.push([cookie.slice(s, e), ""]);
      s = skipSpaces(cookie, e + 1);
      continue;
    }
    const w = skipSpaces(cookie, e + 1);
    let next = -1;
    if (cookie[w] === '"') {
      const q = closingQuote(cookie, w);
      if (q !== -1) {
        const t = skipSpaces(cookie, q + 1);
        if (cookie[t] === ";") {
          out.push([cookie.slice(s, e), cookie.slice(w, q + 1)]);
          next = skipSpaces(cookie, t + 1);
        }
      }
    }
    if (next === -1) {
      // An unquoted value runs to the next ";" but may not cross a newline.
      const c = cookie.indexOf(";", w);
      if (c !== -1) {
        let r = c;
        while (r > w && isSpace(cookie.charCodeAt(r - 1))) r--;
        const nl = cookie.indexOf("\n", w);
        if (nl === -1 || nl >= r) {
          out.push([cookie.slice(s, e), cookie.slice(w, r)]);
          next = skipSpaces(cookie, c + 1);
        }
      }
    }
    // No match can start anywhere up to the "=": resume after it, as re.findall would.
    s = next === -1 ? e + 1 : next;
  }
  return out;
}

const UNSLASH_RE = /\\([0-3][0-7]{2}|[^\n])/g;

/** Undoes `"…"` quoting: `\"`, `\\` and `\ooo` octal byte escapes, then UTF-8. */
function unquoteCookieValue(inner: string): string {
  if (!inner.includes("\\")) return inner;
  // Work on bytes: octal escapes may encode the bytes of one UTF-8 character.
  const bytes: number[] = [];
  let last = 0;
  const pushText = (text: string) => {
    for (const b of encoder.encode(text)) bytes.push(b);
  };
  for (const match of inner.matchAll(UNSLASH_RE)) {
    pushText(inner.slice(last, match.index));
    const escaped = match[1]!;
    if (escaped.length === 3) bytes.push(parseInt(escaped, 8));
    else pushText(escaped);
    last = match.index + match[0].length;
  }
  pushText(inner.slice(last));
  return decoder.decode(new Uint8Array(bytes));
}

/**
 * Parses a `Cookie` header into a `MultiDict` (Werkzeug's `parse_cookie`): pairs split on
 * `;`, names and values trimmed, a name without `=` gets `""`, pairs without a name are
 * skipped, `"quoted"` values are unquoted (with `\ooo` octal escapes), and repeated names
 * keep every value. The header is latin-1 as in the environ and is read as UTF-8; nothing
 * a client sends makes it throw.
 *
 * @param header The header value, or an environ (its `HTTP_COOKIE` is read).
 * @returns The cookies, in order.
 * @example
 * ```ts
 * import { parseCookie } from "@phial/phial";
 * const cookies = parseCookie('session=abc; theme="dark mode"; flag');
 * cookies.get("theme"); // "dark mode"
 * cookies.get("flag");  // ""
 * ```
 */
export function parseCookie(header: string | Environ | null | undefined): MultiDict<string> {
  const raw = typeof header === "object" && header !== null
    ? header.HTTP_COOKIE as string | undefined
    : header;
  const out = new MultiDict<string>();
  if (!raw) return out;
  for (const [rawName, rawValue] of splitCookiePairs(latin1ToUtf8(raw) + ";")) {
    const name = rawName.trim();
    let value = rawValue.trim();
    if (name === "") continue;
    if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
      value = unquoteCookieValue(value.slice(1, -1));
    }
    out.add(name, value);
  }
  return out;
}

/** Options of `dumpCookie` (and of `Response.setCookie`). */
export interface CookieOptions {
  /** Seconds until the cookie expires; also sets `Expires` unless `expires` is given. */
  maxAge?: number | null;
  /** When the cookie expires (a `Date`; a string is sent as is). */
  expires?: Date | string | null;
  /** The cookie's path; `"/"` by default, `null` to leave it out. */
  path?: string | null;
  /** The domain the cookie is sent to (a leading dot and a port are dropped). */
  domain?: string | null;
  /** Only sent over HTTPS. */
  secure?: boolean;
  /** Hidden from JavaScript. */
  httponly?: boolean;
  /** Alias of `httponly`. */
  httpOnly?: boolean;
  /** `"Strict"`, `"Lax"` or `"None"` (any case). */
  samesite?: string | null;
  /** Alias of `samesite`. */
  sameSite?: string | null;
  /** CHIPS partitioned cookie (implies `secure`). */
  partitioned?: boolean;
  /** Whether `maxAge` also sets `Expires` (default true). */
  syncExpires?: boolean;
}

// Werkzeug sends these value characters unquoted.
const NO_QUOTE_RE = /^[\w!#$%&'()*+\-./:<=>?@[\]^`{|}~]*$/;
const DOMAIN_RE = /^[A-Za-z0-9.-]*$/;

// What Werkzeug leaves unquoted in a cookie's Path: Python's `quote(path, safe=…)`.
const PATH_SAFE = "%!$&'()*+,/:=@";

/** Quotes a value the way Werkzeug does: `"…"` with `\"`, `\\` and `\ooo` octal escapes. */
function quoteCookieValue(value: string): string {
  if (NO_QUOTE_RE.test(value)) return value;
  let out = '"';
  for (const byte of encoder.encode(value)) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += "\\\\";
    else if (byte < 0x20 || byte === 0x2c || byte === 0x3b || byte >= 0x7f) {
      out += "\\" + byte.toString(8).padStart(3, "0");
    } else out += String.fromCharCode(byte);
  }
  return out + '"';
}

/** Normalizes a cookie domain as Werkzeug: no port, no leading dot, IDNA (punycode). */
function normalizeDomain(domain: string): string {
  let host = domain;
  const colon = host.indexOf(":");
  if (colon !== -1) host = host.slice(0, colon);
  host = host.replace(/^\.+/, "");
  if (!DOMAIN_RE.test(host)) {
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      throw new TypeError(`Invalid cookie domain ${JSON.stringify(domain)}`);
    }
    if (!DOMAIN_RE.test(host)) {
      throw new TypeError(`Invalid cookie domain ${JSON.stringify(domain)}`);
    }
  }
  return host;
}

/**
 * Builds a `Set-Cookie` header value, as Werkzeug 3.1's `dump_cookie`: attributes in the
 * order Domain, Expires, Max-Age, Secure, HttpOnly, Path, SameSite, Partitioned; `Path=/`
 * by default; `maxAge` also sets `Expires`; a value outside RFC 6265's safe set is quoted
 * with octal escapes; `partitioned` implies `Secure`.
 *
 * A name that is not an RFC 6265 token, a bad `samesite`, or an `expires` that is a
 * number is a `TypeError` (Werkzeug would send a mangled name).
 *
 * @param key The cookie name.
 * @param value The cookie value.
 * @param options Attributes.
 * @returns The header value (without `Set-Cookie: `).
 * @example
 * ```ts
 * import { dumpCookie } from "@phial/phial";
 * dumpCookie("session", "abc", { httponly: true, samesite: "lax" });
 * // "session=abc; HttpOnly; Path=/; SameSite=Lax"
 * ```
 */
export function dumpCookie(key: string, value: string = "", options: CookieOptions = {}): string {
  if (typeof key !== "string" || !isTokenText(key)) {
    throw new TypeError(
      `Invalid cookie name ${
        JSON.stringify(key)
      }: a name must be a token (letters, digits and !#$%&'*+-.^_\`|~)`,
    );
  }
  const text = String(value);
  const path = options.path === undefined ? "/" : options.path;
  const domain = options.domain ? normalizeDomain(options.domain) : undefined;

  let maxAge: number | undefined;
  if (options.maxAge !== undefined && options.maxAge !== null) {
    if (typeof options.maxAge !== "number" || !Number.isFinite(options.maxAge)) {
      throw new TypeError(`Invalid cookie maxAge ${String(options.maxAge)}: seconds expected`);
    }
    maxAge = Math.trunc(options.maxAge);
  }

  let expires: string | undefined;
  const exp = options.expires;
  if (exp !== undefined && exp !== null) {
    if (exp instanceof Date) {
      if (Number.isNaN(exp.getTime())) throw new TypeError("Invalid cookie expires: invalid Date");
      expires = httpDate(exp);
    } else if (typeof exp === "string") {
      if (/[\r\n;]/.test(exp)) throw new TypeError(`Invalid cookie expires ${JSON.stringify(exp)}`);
      expires = exp;
    } else {
      throw new TypeError(
        "Invalid cookie expires: pass a Date (use maxAge for a number of seconds)",
      );
    }
  } else if (maxAge !== undefined && options.syncExpires !== false) {
    expires = httpDate(Date.now() / 1000 + maxAge);
  }

  let samesite = options.samesite ?? options.sameSite ?? undefined;
  if (samesite !== undefined) {
    const lower = samesite.toLowerCase();
    samesite = lower.charAt(0).toUpperCase() + lower.slice(1);
    if (samesite !== "Strict" && samesite !== "Lax" && samesite !== "None") {
      throw new TypeError(
        `Invalid SameSite ${
          JSON.stringify(options.samesite ?? options.sameSite)
        }: SameSite must be 'Strict', 'Lax', or 'None'.`,
      );
    }
  }
  const partitioned = options.partitioned === true;
  const secure = options.secure === true || partitioned;
  const httponly = options.httponly === true || options.httpOnly === true;

  let out = `${key}=${quoteCookieValue(text)}`;
  if (domain) out += `; Domain=${domain}`;
  if (expires !== undefined) out += `; Expires=${expires}`;
  if (maxAge !== undefined) out += `; Max-Age=${maxAge}`;
  if (secure) out += "; Secure";
  if (httponly) out += "; HttpOnly";
  if (path !== null) out += `; Path=${urlQuote(path, PATH_SAFE)}`;
  if (samesite !== undefined) out += `; SameSite=${samesite}`;
  if (partitioned) out += "; Partitioned";
  return out;
}
