/**
 * The buffered reader an HTTP/1.1 connection reads through: one reusable buffer, grown
 * only while a head does not fit, shared by the head parser and the body decoders.
 *
 * @module
 */

// Each new ArrayBuffer costs ~0.8 µs in Deno, a view of an existing one ~20 ns: small body
// chunks are copied into views of a shared slab, whose space is never reused.
const SMALL_COPY = 4096;
const SLAB_SIZE = 64 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/** Anything bytes can be read from, like a `Deno.Conn`. */
export interface ByteSource {
  /** Reads into `p`, resolving to the count read or `null` at end of stream. */
  read(p: Uint8Array): Promise<number | null>;
}

/**
 * A connection's read buffer: the unread bytes are `buf[start, end)`.
 *
 * @example
 * ```ts
 * import { Http1Reader } from "./http1_reader.ts";
 * const data = new TextEncoder().encode("hi");
 * let given = false;
 * const reader = new Http1Reader({
 *   read(p) {
 *     if (given) return Promise.resolve(null);
 *     given = true;
 *     p.set(data);
 *     return Promise.resolve(data.length);
 *   },
 * });
 * await reader.fill(); // true, reader.end - reader.start === 2
 * ```
 */
export class Http1Reader {
  /** The buffer; its unread part is `[start, end)`. */
  buf: Uint8Array;
  /** Index of the first unread byte. */
  start = 0;
  /** Index after the last byte read. */
  end = 0;
  /** Whether the source has ended. */
  eof = false;
  readonly #source: ByteSource;

  /**
   * Creates a buffered reader over `source`.
   *
   * @param source Where bytes come from.
   * @param size The buffer's initial size.
   */
  constructor(source: ByteSource, size = 16384) {
    this.#source = source;
    this.buf = new Uint8Array(size);
  }

  /** How many unread bytes are buffered. */
  get available(): number {
    return this.end - this.start;
  }

  /**
   * Reads more bytes from the source, making room first (moving the unread bytes to
   * the front, or doubling the buffer when they fill it).
   *
   * @returns `false` at end of stream.
   */
  async fill(): Promise<boolean> {
    return this.commit(await this.readMore());
  }

  /**
   * The first half of {@linkcode Http1Reader.fill}, for hot loops that cannot afford
   * an extra async call: makes room and starts one read; pass its result to
   * {@linkcode Http1Reader.commit}.
   */
  readMore(): Promise<number | null> {
    if (this.eof) return Promise.resolve(null);
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      return this.#source.read(this.buf);
    }
    if (this.buf.length - this.end < 2048) {
      if (this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      if (this.buf.length - this.end < 2048) {
        const bigger = new Uint8Array(this.buf.length * 2);
        bigger.set(this.buf.subarray(0, this.end));
        this.buf = bigger;
      }
    }
    return this.#source.read(this.buf.subarray(this.end));
  }

  /**
   * Records the result of {@linkcode Http1Reader.readMore}.
   *
   * @returns `false` at end of stream.
   */
  commit(n: number | null): boolean {
    if (n === null) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /**
   * Takes up to `max` buffered bytes as a copy (the buffer is reused). Small copies are
   * views of a shared slab: their bytes never change, only their `buffer` is shared.
   */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.end - this.start);
    const from = this.start;
    this.start += n;
    if (n > SMALL_COPY) return this.buf.slice(from, from + n);
    if (slabUsed + n > SLAB_SIZE) {
      slab = new Uint8Array(SLAB_SIZE);
      slabUsed = 0;
    }
    const at = slabUsed;
    slabUsed += n;
    slab.set(this.buf.subarray(from, from + n), at);
    return slab.subarray(at, at + n);
  }
}
