/**
 * The chunked transfer coding of a request body (RFC 9112 §7.1), decoded straight off
 * the connection's buffer: chunk extensions are checked and ignored, trailer fields are
 * checked and discarded.
 *
 * @module
 */

import type { Http1Body } from "./http1_body.ts";
import { CR, FIELD_VALUE, HTAB, LF, SP, TCHAR } from "./http1_bytes.ts";
import { Http1Error } from "./http1_error.ts";
import { hexDigitValue } from "./hex_digit.ts";
import type { Http1Reader } from "./http1_reader.ts";

/** Limits of a chunked body. */
export interface ChunkedLimits {
  /** Largest decoded body, in bytes (413 beyond). */
  maxBodySize: number;
  /** Longest chunk-size line, extensions included (400 beyond). */
  maxLineSize: number;
  /** Largest trailer section, in bytes (431 beyond). */
  maxTrailerSize: number;
}

const SIZE = 0;
const DATA = 1;
const DATA_END = 2;
const TRAILER = 3;
const DONE = 4;

/**
 * A request body in the chunked coding.
 *
 * @example
 * ```ts
 * import { ChunkedBody } from "./chunked_decoder.ts";
 * import { Http1Reader } from "./http1_reader.ts";
 * const bytes = new TextEncoder().encode("3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n");
 * let given = false;
 * const reader = new Http1Reader({
 *   read(p) {
 *     if (given) return Promise.resolve(null);
 *     given = true;
 *     p.set(bytes);
 *     return Promise.resolve(bytes.length);
 *   },
 * });
 * const body = new ChunkedBody(reader);
 * await body.pull(); // "abc" as bytes
 * await body.pull(); // null
 * ```
 */
export class ChunkedBody implements Http1Body {
  readonly #reader: Http1Reader;
  readonly #limits: ChunkedLimits;
  #state = SIZE;
  #remaining = 0;
  #total = 0;
  #trailerBytes = 0;
  /** The framing error met so far, if any. */
  error: Http1Error | undefined = undefined;

  /**
   * Creates a chunked-body decoder reading from `reader`.
   *
   * @param reader The connection's reader, positioned at the body's start.
   * @param limits Size limits (defaults: no body limit, 4 KiB lines, 32 KiB trailers).
   */
  constructor(reader: Http1Reader, limits: Partial<ChunkedLimits> = {}) {
    this.#reader = reader;
    this.#limits = {
      maxBodySize: limits.maxBodySize ?? Infinity,
      maxLineSize: limits.maxLineSize ?? 4096,
      maxTrailerSize: limits.maxTrailerSize ?? 32768,
    };
  }

  /** Whether the body has been read to its end. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** The next decoded piece of the body, or `null` after its end. */
  async pull(): Promise<Uint8Array | null> {
    if (this.error) throw this.error;
    try {
      return await this.#next();
    } catch (error) {
      this.error = error instanceof Http1Error
        ? error
        : new Http1Error(400, `Cannot read the chunked body: ${error}`);
      throw this.error;
    }
  }

  async #more(): Promise<void> {
    if (!(await this.#reader.fill())) {
      throw new Http1Error(400, "Connection closed inside a chunked body");
    }
  }

  /** Index of the LF ending the line at the reader's start, waiting for it if needed. */
  async #line(max: number): Promise<number> {
    const reader = this.#reader;
    let from = reader.start;
    for (;;) {
      const lf = reader.buf.subarray(0, reader.end).indexOf(LF, from);
      if (lf !== -1) {
        if (lf === reader.start || reader.buf[lf - 1] !== CR) {
          throw new Http1Error(400, "Bare LF in chunked body");
        }
        if (lf - reader.start > max) throw new Http1Error(400, "Chunk line too long");
        return lf;
      }
      if (reader.end - reader.start > max) throw new Http1Error(400, "Chunk line too long");
      from = reader.end - reader.start;
      await this.#more();
      from += reader.start;
    }
  }

  async #next(): Promise<Uint8Array | null> {
    const reader = this.#reader;
    for (;;) {
      switch (this.#state) {
        case SIZE: {
          const lf = await this.#line(this.#limits.maxLineSize);
          this.#readSizeLine(reader.buf, reader.start, lf - 1);
          reader.start = lf + 1;
          break;
        }
        case DATA: {
          if (reader.end === reader.start) await this.#more();
          const chunk = reader.take(this.#remaining);
          this.#remaining -= chunk.length;
          if (this.#remaining === 0) this.#state = DATA_END;
          return chunk;
        }
        case DATA_END: {
          while (reader.end - reader.start < 2) await this.#more();
          if (reader.buf[reader.start] !== CR || reader.buf[reader.start + 1] !== LF) {
            throw new Http1Error(400, "Chunk data not followed by CRLF");
          }
          reader.start += 2;
          this.#state = SIZE;
          break;
        }
        case TRAILER: {
          const lf = await this.#line(this.#limits.maxTrailerSize);
          const lineStart = reader.start;
          reader.start = lf + 1;
          if (lf - 1 === lineStart) {
            this.#state = DONE;
            return null;
          }
          this.#trailerBytes += lf + 1 - lineStart;
          if (this.#trailerBytes > this.#limits.maxTrailerSize) {
            throw new Http1Error(431, "Trailer section too large");
          }
          checkFieldLine(reader.buf, lineStart, lf - 1);
          break;
        }
        default:
          return null;
      }
    }
  }

  /** Reads `chunk-size [ chunk-ext ]` in `buf[start, end)` (end is the CR). */
  #readSizeLine(buf: Uint8Array, start: number, end: number): void {
    let p = start;
    let size = 0;
    while (p < end) {
      const digit = hexDigitValue(buf[p]!);
      if (digit === -1) break;
      if (p - start >= 15) throw new Http1Error(400, "Chunk size too large");
      size = size * 16 + digit;
      p++;
    }
    if (p === start) throw new Http1Error(400, "Invalid chunk size");
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): checked loosely for
    // shape, strictly for bytes: no CR, LF or other control byte may hide in it.
    if (p < end) {
      let q = p;
      while (q < end && (buf[q] === SP || buf[q] === HTAB)) q++;
      if (buf[q] !== 0x3b) throw new Http1Error(400, "Invalid chunk extension");
      for (; q < end; q++) {
        if (FIELD_VALUE[buf[q]!] !== 1) throw new Http1Error(400, "Invalid chunk extension");
      }
    }
    if (size === 0) {
      this.#state = TRAILER;
      return;
    }
    this.#total += size;
    if (this.#total > this.#limits.maxBodySize) {
      throw new Http1Error(413, "Request body too large");
    }
    this.#remaining = size;
    this.#state = DATA;
  }

  /** Discards the rest of the body if it ends within `limit` more bytes. */
  async drain(limit: number): Promise<boolean> {
    if (this.error) return false;
    let left = limit;
    try {
      for (;;) {
        const chunk = await this.pull();
        if (chunk === null) return true;
        left -= chunk.length;
        if (left < 0) return false;
      }
    } catch {
      return false;
    }
  }
}

/** Checks a trailer field line `buf[start, end)` like a header field line. */
function checkFieldLine(buf: Uint8Array, start: number, end: number): void {
  let p = start;
  while (p < end && TCHAR[buf[p]!] === 1) p++;
  if (p === start || buf[p] !== 0x3a) throw new Http1Error(400, "Malformed trailer field");
  for (p++; p < end; p++) {
    if (FIELD_VALUE[buf[p]!] !== 1) throw new Http1Error(400, "Invalid trailer field value");
  }
}
