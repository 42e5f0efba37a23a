/**
 * Request bodies of an HTTP/1.1 connection: the {@linkcode Http1Body} contract shared by
 * the Content-Length and chunked decoders, and the Content-Length one.
 *
 * @module
 */

import { Http1Error } from "./http1_error.ts";
import type { Http1Reader } from "./http1_reader.ts";

/** A request body being read off the connection. */
export interface Http1Body {
  /** The next piece of the body (a copy), or `null` after its end. Rejects with
   * {@linkcode Http1Error} for bad framing or a body over the limit. */
  pull(): Promise<Uint8Array | null>;
  /** Whether the body has been read to its end. */
  readonly done: boolean;
  /** The framing error met so far, if any. */
  readonly error: Http1Error | undefined;
  /**
   * Reads and discards the rest of the body, up to `limit` bytes, so the connection can
   * serve its next request.
   *
   * @returns `true` when the body's end was reached.
   */
  drain(limit: number): Promise<boolean>;
}

/**
 * A body framed by Content-Length.
 *
 * @example
 * ```ts
 * import { ContentLengthBody } from "./http1_body.ts";
 * import { Http1Reader } from "./http1_reader.ts";
 * const reader = new Http1Reader({ read: () => Promise.resolve(null) });
 * const body = new ContentLengthBody(reader, 0);
 * await body.pull(); // null
 * ```
 */
export class ContentLengthBody implements Http1Body {
  readonly #reader: Http1Reader;
  #remaining: number;
  /** The framing error met so far, if any. */
  error: Http1Error | undefined = undefined;

  /**
   * Creates a body reader for exactly `length` bytes from `reader`.
   *
   * @param reader The connection's reader, positioned at the body's start.
   * @param length The body's length.
   */
  constructor(reader: Http1Reader, length: number) {
    this.#reader = reader;
    this.#remaining = length;
  }

  /** Whether the body has been read to its end. */
  get done(): boolean {
    return this.#remaining === 0;
  }

  /** The next piece of the body, or `null` after its end. */
  pull(): Promise<Uint8Array | null> {
    if (this.#remaining === 0) return Promise.resolve(null);
    if (this.error) return Promise.reject(this.error);
    const reader = this.#reader;
    if (reader.end > reader.start) return Promise.resolve(this.#take());
    return this.#pullSlowly();
  }

  #take(): Uint8Array {
    const chunk = this.#reader.take(this.#remaining);
    this.#remaining -= chunk.length;
    return chunk;
  }

  async #pullSlowly(): Promise<Uint8Array> {
    if (!(await this.#reader.fill())) {
      this.error = new Http1Error(400, "Connection closed before the body's end");
      throw this.error;
    }
    return this.#take();
  }

  /** Discards the rest of the body if it is at most `limit` bytes. */
  async drain(limit: number): Promise<boolean> {
    if (this.#remaining > limit || this.error) return false;
    const reader = this.#reader;
    while (this.#remaining > 0) {
      if (reader.end === reader.start && !(await reader.fill())) return false;
      const n = Math.min(this.#remaining, reader.end - reader.start);
      reader.start += n;
      this.#remaining -= n;
    }
    return true;
  }
}
