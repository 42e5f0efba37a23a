/**
 * Checks on what an app passes to `startResponse`: the status line's shape and the header
 * list (token names, latin-1 values without CR, LF or NUL, no hop-by-hop names).
 *
 * @module
 */

import { isTokenText } from "./http1_bytes.ts";

// The last status line found valid, and its code.
let lastStatus = "200 OK";
let lastStatusCode = 200;
// Header names found valid, each with the last value found valid with it: most responses
// repeat the same pairs (Content-Type: text/html), which then skip the character scans.
// Bounded, as apps may make up names.
const validPairs = new Map<string, string>();
const MAX_VALID_PAIRS = 256;

/** CR, LF, NUL, or anything beyond latin-1: response splitting or an unencodable value. */
function isBadValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 14 ? c === 0 || c === 10 || c === 13 : c > 255) return true;
  }
  return false;
}

/** Control characters other than HTAB, and anything beyond latin-1, in a reason phrase. */
function isBadReason(status: string): boolean {
  for (let i = 4; i < status.length; i++) {
    const c = status.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127 || c > 255) return true;
  }
  return false;
}

/**
 * The hop-by-hop header names (lowercase) that an app may not set: they describe one
 * connection, which only the server knows (PEP 3333).
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "trailers",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Whether `name` is a hop-by-hop header name, in any case.
 *
 * @param name A header name.
 * @returns `true` for `Connection`, `Keep-Alive`, `Transfer-Encoding`, and the rest.
 */
export function isHopByHop(name: string): boolean {
  // Most names are ruled out by their length alone, without lowercasing anything.
  switch (name.length) {
    case 2:
      return equalsLower(name, "te");
    case 7:
      return equalsLower(name, "trailer") || equalsLower(name, "upgrade");
    case 8:
      return equalsLower(name, "trailers");
    case 10:
      return equalsLower(name, "connection") || equalsLower(name, "keep-alive");
    case 17:
      return equalsLower(name, "transfer-encoding");
    case 18:
      return equalsLower(name, "proxy-authenticate");
    case 19:
      return equalsLower(name, "proxy-authorization");
    default:
      return false;
  }
}

/**
 * Whether `name` equals `lower` (a lowercase ASCII name) ignoring ASCII case, without
 * allocating a lowercased copy.
 *
 * @param name A header name.
 * @param lower The lowercase name to compare with.
 * @returns `true` when they match.
 */
export function equalsLower(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Checks a status line such as `"200 OK"`: three digits, a space, then a reason phrase
 * (which may be empty) without control characters.
 *
 * @param status What the app passed to `startResponse`.
 * @returns The status code.
 * @throws {TypeError} When the status is not `"NNN Reason"`-shaped.
 */
export function validateStatus(status: string): number {
  // Apps send the same few status lines over and over.
  if (status === lastStatus) return lastStatusCode;
  if (typeof status !== "string") {
    throw new TypeError(`Status must be a string such as "200 OK", not ${describe(status)}`);
  }
  const d0 = status.charCodeAt(0) - 48;
  const d1 = status.charCodeAt(1) - 48;
  const d2 = status.charCodeAt(2) - 48;
  if (
    !(d0 >= 1 && d0 <= 9 && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9) ||
    status.charCodeAt(3) !== 32 || isBadReason(status)
  ) {
    throw new TypeError(
      `Invalid status ${JSON.stringify(status)}: expected three digits, a space and a ` +
        `reason phrase, such as "200 OK"`,
    );
  }
  lastStatus = status;
  lastStatusCode = d0 * 100 + d1 * 10 + d2;
  return lastStatusCode;
}

/**
 * Checks one header: the name is an RFC 9110 token and not hop-by-hop, the value a
 * latin-1 string without CR, LF or NUL.
 *
 * @param name The header name.
 * @param value The header value.
 * @throws {TypeError} Naming the header, when either is invalid.
 */
export function validateHeader(name: string, value: string): void {
  if (typeof name !== "string" || !isTokenText(name)) {
    throw new TypeError(`Invalid header name ${describe(name)}: it must be an HTTP token`);
  }
  if (typeof value !== "string") {
    throw new TypeError(`Header ${name} must have a string value, not ${describe(value)}`);
  }
  if (isBadValue(value)) {
    throw new TypeError(
      `Invalid value for header ${name}: ${JSON.stringify(value)} contains CR, LF, NUL ` +
        `or a character outside latin-1`,
    );
  }
  if (isHopByHop(name)) {
    throw new TypeError(
      `Header ${name} is hop-by-hop: an app may not set it, the server manages the connection`,
    );
  }
}

/**
 * Checks a header list as given to `startResponse`, without copying it.
 *
 * @param headers An array of `[name, value]` pairs.
 * @throws {TypeError} Naming the first invalid header.
 */
export function validateHeaders(headers: [string, string][]): void {
  if (!Array.isArray(headers)) {
    throw new TypeError(
      `Headers must be an array of [name, value] pairs, not ${describe(headers)}`,
    );
  }
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i];
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError(`Header #${i} must be a [name, value] pair, not ${describe(pair)}`);
    }
    const name = pair[0];
    const value = pair[1];
    // A pair seen valid before is valid again (the same strings give the same answer).
    if (validPairs.get(name) === value && typeof value === "string") continue;
    validateHeader(name, value);
    if (validPairs.size < MAX_VALID_PAIRS || validPairs.has(name)) validPairs.set(name, value);
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value)}`;
}
