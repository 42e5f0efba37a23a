/**
 * The HTTP/1.1 response serializer: status line and headers, the framing an engine
 * picks (Content-Length, chunked, close-delimited or no body), the cached `Date`, and
 * chunk encoding.
 *
 * @module
 */

import { latin1EncodeInto } from "./http1_bytes.ts";

/** How a response body is delimited on the wire. */
export type BodyFraming = "none" | "length" | "chunked" | "close";

/** What a server knows about the request when it frames the response. */
export interface FramingRequest {
  /** The request is HTTP/1.0. */
  http10: boolean;
  /** The request method is HEAD: headers only. */
  head: boolean;
  /** The connection may stay open after the response. */
  keepAlive: boolean;
}

/** A serialized head and how the body that follows is delimited. */
export interface ResponseFrame {
  /** The status line and headers, ending with the empty line (latin-1 text). */
  head: string;
  /** How the body is delimited. */
  framing: BodyFraming;
  /** The declared body length for `"length"` framing, else -1. */
  contentLength: number;
  /** Whether the connection stays open after the response. */
  keepAlive: boolean;
}

let cachedDate = "";
let cachedUntil = 0;

/**
 * The time `now` (default: the current time) as an IMF-fixdate, computed at most once
 * per second; `now` must not go backwards between calls.
 *
 * @example
 * ```ts
 * import { cachedHttpDate } from "./http1_response.ts";
 * cachedHttpDate(); // "Sun, 06 Nov 1994 08:49:37 GMT"
 * ```
 */
export function cachedHttpDate(now: number = Date.now()): string {
  if (now >= cachedUntil || now < cachedUntil - 1000) {
    cachedDate = new Date(now).toUTCString();
    cachedUntil = now - (now % 1000) + 1000;
  }
  return cachedDate;
}

function parseLength(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    n = n * 10 + code - 0x30;
  }
  return n;
}

/**
 * Serializes a response head and chooses its framing: the app's Content-Length when it
 * gave one, else `knownLength` (the whole body is in hand), else chunked on HTTP/1.1 and
 * close-delimited on HTTP/1.0. HEAD, 1xx, 204 and 304 responses carry no body. `Date`
 * and `Server` are added unless the app set them; `Connection` says `close` or, to an
 * HTTP/1.0 client, `keep-alive`.
 *
 * @param status The status line's tail, such as `"200 OK"`.
 * @param statusCode Its code.
 * @param headers Validated header pairs (latin-1, no CR/LF, no hop-by-hop names).
 * @param request What the request allows.
 * @param knownLength The body's total length when known, else -1.
 * @param server The `Server` header's value.
 * @param date The `Date` header's value (see {@linkcode cachedHttpDate}).
 * @example
 * ```ts
 * import { frameResponse } from "./http1_response.ts";
 * const frame = frameResponse("200 OK", 200, [["Content-Type", "text/plain"]],
 *   { http10: false, head: false, keepAlive: true }, 5, "phial");
 * frame.framing; // "length"
 * ```
 */
export function frameResponse(
  status: string,
  statusCode: number,
  headers: [string, string][],
  request: FramingRequest,
  knownLength: number,
  server: string,
  date: string = cachedHttpDate(),
): ResponseFrame {
  let head = "HTTP/1.1 " + status + "\r\n";
  let appLength = -1;
  let hasDate = false;
  let hasServer = false;
  for (let i = 0; i < headers.length; i++) {
    const pair = headers[i]!;
    const name = pair[0];
    const value = pair[1];
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === "date") hasDate = true;
        break;
      case 6:
        if (name.toLowerCase() === "server") hasServer = true;
        break;
      case 14:
        if (name.toLowerCase() === "content-length") {
          const length = parseLength(value);
          // An unusable or contradicting length is dropped; the body is framed otherwise.
          if (length === -1 || (appLength !== -1 && appLength !== length)) continue;
          if (appLength === length) continue;
          appLength = length;
        }
        break;
    }
    head += name + ": " + value + "\r\n";
  }
  if (!hasDate) head += "Date: " + date + "\r\n";
  if (!hasServer && server !== "") head += "Server: " + server + "\r\n";

  let framing: BodyFraming;
  let contentLength = -1;
  let keepAlive = request.keepAlive;
  if (statusCode < 200 || statusCode === 204 || statusCode === 304) {
    framing = "none";
  } else if (request.head) {
    framing = "none";
    if (appLength === -1 && knownLength !== -1) head += "Content-Length: " + knownLength + "\r\n";
  } else if (appLength !== -1) {
    framing = "length";
    contentLength = appLength;
  } else if (knownLength !== -1) {
    framing = "length";
    contentLength = knownLength;
    head += "Content-Length: " + knownLength + "\r\n";
  } else if (!request.http10) {
    framing = "chunked";
    head += "Transfer-Encoding: chunked\r\n";
  } else {
    framing = "close";
    keepAlive = false;
  }
  if (!keepAlive) head += "Connection: close\r\n\r\n";
  else if (request.http10) head += "Connection: keep-alive\r\n\r\n";
  else head += "\r\n";
  return { head, framing, contentLength, keepAlive };
}

const asciiEncoder = new TextEncoder();

/** Writes latin-1 `text` at `offset`: natively when it is ASCII, byte by byte otherwise. */
function writeText(text: string, out: Uint8Array, offset: number): number {
  const result = asciiEncoder.encodeInto(text, offset === 0 ? out : out.subarray(offset));
  if (result.read === text.length && result.written === text.length) return offset + text.length;
  return latin1EncodeInto(text, out, offset);
}

/** The encoded size of a response: head, chunks (framed when `chunked`), last-chunk. */
function encodedSize(
  head: string | Uint8Array,
  chunks: readonly Uint8Array[],
  chunked: boolean,
  last: boolean,
): number {
  let size = head.length;
  for (let i = 0; i < chunks.length; i++) {
    const length = chunks[i]!.length;
    size += chunked ? length + length.toString(16).length + 4 : length;
  }
  return last ? size + 5 : size;
}

/**
 * Encodes a head and body chunks into `out` from its start, for a single write.
 *
 * @param head The head as latin-1 text or as bytes (may be empty).
 * @param chunks Body bytes to append (none for a body-less response).
 * @param chunked Whether to wrap the chunks in chunked framing.
 * @param last Whether to append the chunked coding's last-chunk (`0\r\n\r\n`).
 * @param out Where to write.
 * @returns The number of bytes written, or -1 (nothing written) when `out` is too small.
 * @example
 * ```ts
 * import { encodeResponseInto } from "./http1_response.ts";
 * const out = new Uint8Array(64);
 * encodeResponseInto("HTTP/1.1 204 No Content\r\n\r\n", [], false, false, out); // 27
 * ```
 */
export function encodeResponseInto(
  head: string | Uint8Array,
  chunks: readonly Uint8Array[],
  chunked: boolean,
  last: boolean,
  out: Uint8Array,
): number {
  if (encodedSize(head, chunks, chunked, last) > out.length) return -1;
  let offset = 0;
  if (typeof head !== "string") {
    out.set(head, 0);
    offset = head.length;
  } else if (head.length !== 0) offset = writeText(head, out, 0);
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (chunked) {
      offset = latin1EncodeInto(chunk.length.toString(16) + "\r\n", out, offset);
      out.set(chunk, offset);
      offset += chunk.length;
      out[offset++] = 13;
      out[offset++] = 10;
    } else if (chunk.length < 64) {
      for (let k = 0; k < chunk.length; k++) out[offset++] = chunk[k]!;
    } else {
      out.set(chunk, offset);
      offset += chunk.length;
    }
  }
  if (last) offset = latin1EncodeInto("0\r\n\r\n", out, offset);
  return offset;
}

/**
 * Encodes a head and body chunks into one buffer, ready for a single write.
 *
 * @param head The head as latin-1 text or as bytes (may be empty).
 * @param chunks Body bytes to append (none for a body-less response).
 * @param chunked Whether to wrap the chunks in chunked framing.
 * @param last Whether to append the chunked coding's last-chunk (`0\r\n\r\n`).
 * @param scratch A buffer to encode into when it is large enough (the result is then a
 * view of it, valid until the scratch buffer is reused).
 * @returns The bytes to write.
 */
export function encodeResponse(
  head: string | Uint8Array,
  chunks: readonly Uint8Array[],
  chunked: boolean,
  last: boolean,
  scratch?: Uint8Array,
): Uint8Array {
  if (scratch !== undefined) {
    const n = encodeResponseInto(head, chunks, chunked, last, scratch);
    if (n !== -1) return scratch.subarray(0, n);
  }
  const out = new Uint8Array(encodedSize(head, chunks, chunked, last));
  encodeResponseInto(head, chunks, chunked, last, out);
  return out;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  414: "URI Too Long",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  505: "HTTP Version Not Supported",
};

/**
 * A complete plain-text error response the server sends on its own (bad request,
 * app failure), with `Connection: close` when `close` is true.
 *
 * @example
 * ```ts
 * import { errorResponse } from "./http1_response.ts";
 * new TextDecoder().decode(errorResponse(400, true, "phial")).split("\r\n")[0];
 * // "HTTP/1.1 400 Bad Request"
 * ```
 */
export function errorResponse(status: number, close: boolean, server: string): Uint8Array {
  const reason = REASONS[status] ?? "Error";
  const body = reason + "\n";
  let head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8" +
    "\r\nContent-Length: " + body.length + "\r\nDate: " + cachedHttpDate() + "\r\n";
  if (server !== "") head += "Server: " + server + "\r\n";
  head += close ? "Connection: close\r\n\r\n" : "\r\n";
  const text = head + body;
  const out = new Uint8Array(text.length);
  latin1EncodeInto(text, out, 0);
  return out;
}
