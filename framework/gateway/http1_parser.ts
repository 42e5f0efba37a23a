/**
 * phial's HTTP/1.1 request-head parser (RFC 9112), working on bytes: a
 * {@linkcode HeadScanner} finds where a head ends while enforcing the size limits, and
 * {@linkcode parseRequestHead} turns the head into environ keys the CGI way.
 *
 * It is strict where leniency enables request smuggling: bare LF, obsolete line folding,
 * whitespace before a colon, control or non-token bytes in names, conflicting framing
 * headers and duplicate `Host` are all refused.
 *
 * @module
 */

import {
  CR,
  FIELD_VALUE,
  HTAB,
  latin1Decode,
  latin1DecodeMemo,
  LF,
  SP,
  TARGET_CHAR,
  TCHAR,
} from "./http1_bytes.ts";
import { Http1Error } from "./http1_error.ts";
import { type RequestTarget, splitTarget } from "./http1_target.ts";

/** Size limits of a request head. */
export interface Http1Limits {
  /** Longest request line, in bytes without the CRLF (414 beyond). */
  maxRequestLine: number;
  /** Largest header section, in bytes (431 beyond). */
  maxHeaderSize: number;
  /** Most header fields (431 beyond). */
  maxHeaderCount: number;
}

/** The limits used when none are given: gunicorn's request line, 32 KiB of headers. */
export const DEFAULT_HTTP1_LIMITS: Readonly<Http1Limits> = Object.freeze({
  maxRequestLine: 8190,
  maxHeaderSize: 32768,
  maxHeaderCount: 100,
});

/** Empty lines tolerated before a request line (RFC 9112 §2.2), in bytes. */
const MAX_LEADING_EMPTY = 64;

/**
 * Finds the end of a request head in a growing buffer without rescanning what it has
 * seen: call {@linkcode HeadScanner.scan} after each read, {@linkcode HeadScanner.reset}
 * before each new request.
 *
 * @example
 * ```ts
 * import { DEFAULT_HTTP1_LIMITS, HeadScanner } from "./http1_parser.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * new HeadScanner().scan(bytes, 0, bytes.length, DEFAULT_HTTP1_LIMITS); // 27
 * ```
 */
export class HeadScanner {
  /** Start of the line not yet complete, relative to the head's start. */
  #lineStart = 0;
  /** Start of the header section relative to the head's start, or -1 in the request line. */
  #headersStart = -1;
  #fields = 0;

  /** Forgets the previous head. */
  reset(): void {
    this.#lineStart = 0;
    this.#headersStart = -1;
    this.#fields = 0;
  }

  /**
   * Scans `buf[start, end)`, the head received so far.
   *
   * @returns the index just past the head's final CRLF, or -1 when more bytes are needed.
   * @throws {Http1Error} 400 for a bare LF, 414 for a long request line, 431 for a large
   * header section.
   */
  scan(buf: Uint8Array, start: number, end: number, limits: Http1Limits): number {
    let lineStart = start + this.#lineStart;
    for (;;) {
      // Header lines are short: a plain loop beats a builtin call per line.
      let lf = lineStart;
      while (lf < end && buf[lf] !== LF) lf++;
      if (lf === end) break;
      if (lf === lineStart || buf[lf - 1] !== CR) {
        throw new Http1Error(400, "Bare LF in request head");
      }
      const lineEnd = lf - 1;
      if (this.#headersStart === -1) {
        if (lineEnd === lineStart) {
          if (lf + 1 - start > MAX_LEADING_EMPTY) {
            throw new Http1Error(400, "Too many empty lines before the request line");
          }
        } else {
          if (lineEnd - lineStart > limits.maxRequestLine) {
            throw new Http1Error(414, "Request line too long");
          }
          this.#headersStart = lf + 1 - start;
        }
      } else {
        const headerBytes = lf + 1 - (start + this.#headersStart);
        if (headerBytes > limits.maxHeaderSize + 2) {
          throw new Http1Error(431, "Header section too large");
        }
        if (lineEnd === lineStart) {
          this.#lineStart = lf + 1 - start;
          return lf + 1;
        }
        if (++this.#fields > limits.maxHeaderCount) {
          throw new Http1Error(431, "Too many header fields");
        }
      }
      lineStart = lf + 1;
    }
    this.#lineStart = lineStart - start;
    if (this.#headersStart === -1) {
      if (end - lineStart > limits.maxRequestLine + 1) {
        throw new Http1Error(414, "Request line too long");
      }
    } else if (end - (start + this.#headersStart) > limits.maxHeaderSize + 2) {
      throw new Http1Error(431, "Header section too large");
    }
    return -1;
  }
}

/** What the engine needs to know about a request besides its environ keys. */
export interface RequestHead {
  /** The method, e.g. `GET`. */
  method: string;
  /** The raw request target. */
  target: string;
  /** `HTTP/1.0` or `HTTP/1.1`. */
  protocol: "HTTP/1.0" | "HTTP/1.1";
  /** The body's length when framed by Content-Length, else -1. */
  contentLength: number;
  /** Whether the body is chunked. */
  chunked: boolean;
  /** Whether the client allows the connection to stay open after this request. */
  keepAlive: boolean;
  /** Whether the client sent `Expect: 100-continue` (HTTP/1.1 only). */
  expectContinue: boolean;
}

const keyCache = new Map<string, string | null>();
const KEY_CACHE_LIMIT = 512;

/** The environ key of a header name, or null when the name holds `_` (dropped). */
function environKey(name: string): string | null {
  let key = keyCache.get(name);
  if (key !== undefined) return key;
  if (name.indexOf("_") !== -1) key = null;
  else {
    const upper = name.toUpperCase().replaceAll("-", "_");
    key = upper === "CONTENT_TYPE" || upper === "CONTENT_LENGTH" ? upper : "HTTP_" + upper;
  }
  if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(name, key);
  return key;
}

/** Header names common enough to map to their environ key without building a string. */
const KNOWN_NAMES = [
  "host",
  "user-agent",
  "accept",
  "accept-encoding",
  "accept-language",
  "connection",
  "content-type",
  "content-length",
  "cookie",
  "referer",
  "origin",
  "cache-control",
  "transfer-encoding",
  "expect",
  "authorization",
  "if-none-match",
  "if-modified-since",
  "upgrade-insecure-requests",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-real-ip",
  "x-requested-with",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "dnt",
  "pragma",
  "range",
];

interface KnownName {
  lower: Uint8Array;
  key: string;
  kind: number;
  memo: boolean;
}

/** The hash {@linkcode parseRequestHead} computes over a name's bytes, letters folded. */
function nameHash(lower: string): number {
  let h = 0;
  for (let i = 0; i < lower.length; i++) h = (h * 31 + (lower.charCodeAt(i) | 0x20)) | 0;
  return h;
}

// What the parser does with a field besides storing it.
const PLAIN = 0;
const HOST = 1;
const LENGTH = 2;
const CODING = 3;
const CONNECTION = 4;
const EXPECT = 5;
const COOKIE = 6;

function kindOf(key: string): number {
  switch (key) {
    case "HTTP_HOST":
      return HOST;
    case "CONTENT_LENGTH":
      return LENGTH;
    case "HTTP_TRANSFER_ENCODING":
      return CODING;
    case "HTTP_CONNECTION":
      return CONNECTION;
    case "HTTP_EXPECT":
      return EXPECT;
    case "HTTP_COOKIE":
      return COOKIE;
    default:
      return PLAIN;
  }
}

/** The same string, internalized (as property keys are), so comparisons are cheap. */
function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0]!;
}

const KNOWN = new Map<number, KnownName>();
for (const name of KNOWN_NAMES) {
  const hash = nameHash(name);
  // A collision would hide a name from the table; such a name just takes the slow path.
  if (KNOWN.has(hash)) continue;
  const key = internalized(environKey(name)!);
  KNOWN.set(hash, {
    lower: new TextEncoder().encode(name),
    key,
    kind: kindOf(key),
    memo: name !== "cookie" && name !== "authorization",
  });
}

/**
 * Parses a Content-Length value ("42", or a list of identical values such as "42, 42").
 *
 * @throws {Http1Error} 400 when it is not a decimal number or the values differ.
 */
export function parseContentLength(value: string): number {
  let result = -1;
  let i = 0;
  const n = value.length;
  for (;;) {
    while (i < n && (value.charCodeAt(i) === SP || value.charCodeAt(i) === HTAB)) i++;
    const digitsStart = i;
    let number = 0;
    while (i < n) {
      const code = value.charCodeAt(i);
      if (code < 0x30 || code > 0x39) break;
      number = number * 10 + (code - 0x30);
      i++;
    }
    if (i === digitsStart || number > Number.MAX_SAFE_INTEGER) {
      throw new Http1Error(400, "Invalid Content-Length");
    }
    if (result !== -1 && result !== number) throw new Http1Error(400, "Conflicting Content-Length");
    result = number;
    while (i < n && (value.charCodeAt(i) === SP || value.charCodeAt(i) === HTAB)) i++;
    if (i === n) return result;
    if (value.charCodeAt(i) !== 0x2c) throw new Http1Error(400, "Invalid Content-Length");
    i++;
  }
}

const KNOWN_CODINGS = new Set(["gzip", "x-gzip", "deflate", "compress", "x-compress", "identity"]);

/**
 * Checks a request's Transfer-Encoding list: phial decodes `chunked` only, and it must be
 * the one and final coding.
 *
 * @throws {Http1Error} 400 for a malformed list, a repeated `chunked` or `chunked` not
 * last; 501 for a coding phial does not implement.
 */
export function checkTransferEncoding(value: string): void {
  const codings: string[] = [];
  for (const element of value.split(",")) {
    let s = 0;
    let e = element.length;
    while (s < e && (element.charCodeAt(s) === SP || element.charCodeAt(s) === HTAB)) s++;
    while (e > s && (element.charCodeAt(e - 1) === SP || element.charCodeAt(e - 1) === HTAB)) e--;
    if (s === e) continue;
    let tokenEnd = s;
    while (
      tokenEnd < e && TCHAR[element.charCodeAt(tokenEnd) & 0xff] === 1 &&
      element.charCodeAt(tokenEnd) < 0x80
    ) tokenEnd++;
    let after = tokenEnd;
    while (after < e && (element.charCodeAt(after) === SP || element.charCodeAt(after) === HTAB)) {
      after++;
    }
    if (tokenEnd === s || (after < e && element.charCodeAt(after) !== 0x3b)) {
      throw new Http1Error(400, "Malformed Transfer-Encoding");
    }
    const name = element.slice(s, tokenEnd).toLowerCase();
    if (name === "chunked" && after < e) {
      throw new Http1Error(400, "The chunked coding takes no parameters");
    }
    codings.push(name);
  }
  if (codings.length === 0) throw new Http1Error(400, "Empty Transfer-Encoding");
  let chunkedCount = 0;
  let unknown = false;
  for (const coding of codings) {
    if (coding === "chunked") chunkedCount++;
    else if (!KNOWN_CODINGS.has(coding)) unknown = true;
  }
  if (chunkedCount > 1) throw new Http1Error(400, "Transfer-Encoding repeats chunked");
  if (unknown) throw new Http1Error(501, "Unsupported transfer coding");
  if (codings[codings.length - 1] !== "chunked") {
    throw new Http1Error(400, "Transfer-Encoding does not end with chunked");
  }
  if (codings.length > 1) throw new Http1Error(501, "Unsupported transfer coding");
}

const targetMemo = new Map<string, RequestTarget>();

/** {@linkcode splitTarget}, remembered for recent targets (results are never mutated). */
function splitTargetMemo(target: string, method: string): RequestTarget {
  if (target.length > 256 || method === "OPTIONS") return splitTarget(target, method);
  let parts = targetMemo.get(target);
  if (parts === undefined) {
    parts = splitTarget(target, method);
    if (targetMemo.size >= 256) targetMemo.clear();
    targetMemo.set(target, parts);
  }
  return parts;
}

function hasToken(list: string, token: string): boolean {
  const lower = list.toLowerCase();
  if (lower === token) return true;
  for (const part of lower.split(",")) {
    if (part.trim() === token) return true;
  }
  return false;
}

/** Whether `buf[start, end)` is `lower`, ignoring the case of letters. */
function sameName(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if ((buf[start + i]! | 0x20) !== lower[i]) return false;
  }
  return true;
}

function methodName(buf: Uint8Array, start: number, end: number): string {
  // The common methods without building a string from bytes.
  if (
    end - start === 3 && buf[start] === 0x47 && buf[start + 1] === 0x45 && buf[start + 2] === 0x54
  ) {
    return "GET";
  }
  if (
    end - start === 4 && buf[start] === 0x50 && buf[start + 1] === 0x4f &&
    buf[start + 2] === 0x53 && buf[start + 3] === 0x54
  ) return "POST";
  return latin1Decode(buf, start, end);
}

/**
 * Parses the complete head `buf[start, end)` (as delimited by {@linkcode HeadScanner})
 * and stores the request's CGI keys in `environ`: `REQUEST_METHOD`, `SCRIPT_NAME`,
 * `PATH_INFO`, `QUERY_STRING`, `RAW_URI`, `REQUEST_URI`, `SERVER_PROTOCOL`,
 * `CONTENT_TYPE`, `CONTENT_LENGTH` and one `HTTP_*` key per header (latin-1 values,
 * repeats joined with ", ", Cookie with "; ", names holding `_` dropped).
 *
 * @throws {Http1Error} 400 for malformed or ambiguous input, 501 for an unsupported
 * transfer coding, 505 for an HTTP version other than 1.x.
 * @example
 * ```ts
 * import { parseRequestHead } from "./http1_parser.ts";
 * const bytes = new TextEncoder().encode("GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n");
 * const environ: Record<string, unknown> = {};
 * const head = parseRequestHead(bytes, 0, bytes.length, environ);
 * console.log(head.method, environ.PATH_INFO, environ.HTTP_HOST); // GET /a x
 * ```
 */
export function parseRequestHead(
  buf: Uint8Array,
  start: number,
  end: number,
  environ: Record<string, unknown>,
): RequestHead {
  let p = start;
  while (buf[p] === CR && buf[p + 1] === LF) p += 2;

  // request-line = method SP request-target SP HTTP-version CRLF
  const methodStart = p;
  while (TCHAR[buf[p]!] === 1) p++;
  if (p === methodStart || buf[p] !== SP) throw new Http1Error(400, "Malformed request line");
  const method = methodName(buf, methodStart, p);
  const targetStart = ++p;
  while (TARGET_CHAR[buf[p]!] === 1) p++;
  if (p === targetStart || buf[p] !== SP) throw new Http1Error(400, "Malformed request target");
  const target = p - targetStart === 1 && buf[targetStart] === 0x2f
    ? "/"
    : latin1DecodeMemo(buf, targetStart, p);
  p++;
  if (
    buf[p] !== 0x48 || buf[p + 1] !== 0x54 || buf[p + 2] !== 0x54 || buf[p + 3] !== 0x50 ||
    buf[p + 4] !== 0x2f || buf[p + 6] !== 0x2e || buf[p + 8] !== CR
  ) throw new Http1Error(400, "Malformed HTTP version");
  const major = buf[p + 5]! - 0x30;
  const minor = buf[p + 7]! - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) {
    throw new Http1Error(400, "Malformed HTTP version");
  }
  if (major !== 1) throw new Http1Error(505, "HTTP version not supported");
  const http10 = minor === 0;
  p += 10;

  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection: string | undefined;
  let expect: string | undefined;
  let hasHost = false;

  // field-line = field-name ":" OWS field-value OWS CRLF
  for (;;) {
    if (buf[p] === CR) break; // the empty line ending the head
    const nameStart = p;
    let hash = 0;
    for (;;) {
      const byte = buf[p]!;
      if (TCHAR[byte] !== 1) break;
      // Letters fold to lower case; the folding maps no other tchar onto a letter.
      hash = (hash * 31 + (byte | 0x20)) | 0;
      p++;
    }
    if (p === nameStart) {
      throw new Http1Error(
        400,
        buf[p] === SP || buf[p] === HTAB ? "Obsolete line folding" : "Malformed header name",
      );
    }
    if (buf[p] !== 0x3a) throw new Http1Error(400, "Malformed header name");
    const nameEnd = p++;
    while (buf[p] === SP || buf[p] === HTAB) p++;
    const valueStart = p;
    while (FIELD_VALUE[buf[p]!] === 1) p++;
    if (buf[p] !== CR || buf[p + 1] !== LF) {
      throw new Http1Error(400, "Invalid character in header value");
    }
    let valueEnd = p;
    p += 2;
    while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) {
      valueEnd--;
    }
    let known = KNOWN.get(hash);
    let key: string | null;
    let kind: number;
    if (known !== undefined && sameName(buf, nameStart, nameEnd, known.lower)) {
      key = known.key;
      kind = known.kind;
    } else {
      known = undefined;
      key = environKey(latin1Decode(buf, nameStart, nameEnd));
      kind = key === null ? PLAIN : kindOf(key);
    }
    if (key === null) continue;
    // Repeating values of common headers are memoized; secrets are not kept around.
    const value = known !== undefined && known.memo
      ? latin1DecodeMemo(buf, valueStart, valueEnd)
      : latin1Decode(buf, valueStart, valueEnd);
    const previous = environ[key] as string | undefined;
    switch (kind) {
      case HOST:
        if (hasHost) throw new Http1Error(400, "Duplicate Host header");
        hasHost = true;
        environ[key] = value;
        continue;
      case LENGTH: {
        const length = parseContentLength(value);
        if (contentLength !== -1 && contentLength !== length) {
          throw new Http1Error(400, "Conflicting Content-Length");
        }
        contentLength = length;
        environ[key] = String(length);
        continue;
      }
      case CODING:
        transferEncoding = transferEncoding === undefined ? value : transferEncoding + "," + value;
        break;
      case CONNECTION:
        connection = connection === undefined ? value : connection + "," + value;
        break;
      case EXPECT:
        expect = value;
        break;
      case COOKIE:
        environ[key] = previous === undefined ? value : previous + "; " + value;
        continue;
    }
    environ[key] = previous === undefined ? value : previous + ", " + value;
  }
  if (p + 2 !== end) throw new Http1Error(400, "Malformed request head");

  let chunked = false;
  if (transferEncoding !== undefined) {
    if (http10) throw new Http1Error(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (contentLength !== -1) {
      throw new Http1Error(400, "Both Content-Length and Transfer-Encoding");
    }
    checkTransferEncoding(transferEncoding);
    chunked = true;
  }
  if (!http10 && !hasHost) throw new Http1Error(400, "Missing Host header");

  const parts = splitTargetMemo(target, method);
  if (parts.authority !== undefined) environ.HTTP_HOST = parts.authority;
  environ.REQUEST_METHOD = method;
  environ.SCRIPT_NAME = "";
  environ.PATH_INFO = parts.path;
  environ.QUERY_STRING = parts.query;
  environ.RAW_URI = target;
  environ.REQUEST_URI = target;
  const protocol = http10 ? "HTTP/1.0" : "HTTP/1.1";
  environ.SERVER_PROTOCOL = protocol;

  let keepAlive: boolean;
  if (connection === undefined) keepAlive = !http10;
  else if (hasToken(connection, "close")) keepAlive = false;
  else keepAlive = !http10 || hasToken(connection, "keep-alive");

  return {
    method,
    target,
    protocol,
    contentLength,
    chunked,
    keepAlive,
    expectContinue: !http10 && expect !== undefined && expect.toLowerCase() === "100-continue",
  };
}
