/**
 * `wsgi.input`: a request body read lazily, on demand, from whatever produces its chunks
 * (a socket parser, a fetch `ReadableStream`, or bytes in memory).
 *
 * @module
 */
import type { InputStream } from "./types.ts";
import { concatBytes } from "./concat_bytes.ts";

const EMPTY = new Uint8Array(0);

/** The pieces as one array: the piece itself when there is one, `empty()` when none. */
function joinParts(parts: Uint8Array[], total: number, empty: () => Uint8Array): Uint8Array {
  if (parts.length === 0) return empty();
  return concatBytes(parts, total);
}

/** Options of {@linkcode BodyInput}. */
export interface BodyInputOptions {
  /**
   * Runs once, just before the first chunk is pulled (the reference engine sends
   * `100 Continue` here).
   */
  onFirstRead?: () => void;
}

/**
 * A lazily read request body with `read(n)`, `read()`, `readline()` and async iteration.
 *
 * Chunks come from `pull`, called only when a reader needs more bytes; `null` means the
 * body has ended, after which every read gives an empty `Uint8Array`. An error thrown by
 * `pull` reaches the reader (and every later reader).
 *
 * @example Reading a body line by line
 * ```ts
 * import { BodyInput } from "@phial/phial";
 * const parts = [new TextEncoder().encode("a\nb")];
 * const input = new BodyInput(() => Promise.resolve(parts.shift() ?? null));
 * const first = await input.readline(); // "a\n"
 * const rest = await input.read(); // "b"
 * ```
 */
export class BodyInput implements InputStream {
  #pull: () => Promise<Uint8Array | null>;
  #onFirstRead: (() => void) | undefined;
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  #ended = false;
  #error: unknown = undefined;
  #failed = false;
  #filling = false;

  /**
   * Makes an input over a source of chunks; nothing is pulled until the first read.
   *
   * @param pull Gives the next chunk of the body, or `null` at its end.
   * @param options `onFirstRead`, run once before the first pull.
   */
  constructor(pull: () => Promise<Uint8Array | null>, options?: BodyInputOptions) {
    this.#pull = pull;
    this.#onFirstRead = options?.onFirstRead;
  }

  /**
   * An input over bytes already in memory; see {@linkcode bytesInput}.
   *
   * @param data The whole body.
   * @returns An input that reads `data` and then ends.
   */
  static fromBytes(data: Uint8Array): BodyInput {
    const input = new BodyInput(() => Promise.resolve(null));
    input.#buf = data;
    input.#ended = true;
    return input;
  }

  /** Whether the whole body has been read (nothing buffered, and the source ended). */
  get exhausted(): boolean {
    return this.#ended && this.#pos >= this.#buf.length;
  }

  /** Pulls one more chunk into the buffer; false once the body has ended. */
  async #fill(): Promise<boolean> {
    if (this.#failed) throw this.#error;
    if (this.#ended) return false;
    if (this.#filling) {
      throw new TypeError(
        "wsgi.input is already being read: await each read before starting the next",
      );
    }
    if (this.#onFirstRead !== undefined) {
      const hook = this.#onFirstRead;
      this.#onFirstRead = undefined;
      hook();
    }
    let chunk: Uint8Array | null;
    this.#filling = true;
    try {
      // Skip empty chunks so a reader never sees a spurious end of body.
      do chunk = await this.#pull(); while (chunk !== null && chunk.length === 0);
    } catch (error) {
      this.#failed = true;
      this.#error = error;
      throw error;
    } finally {
      this.#filling = false;
    }
    if (chunk === null) {
      this.#ended = true;
      return false;
    }
    const left = this.#buf.length - this.#pos;
    if (left === 0) {
      this.#buf = chunk;
    } else {
      const joined = new Uint8Array(left + chunk.length);
      joined.set(this.#buf.subarray(this.#pos));
      joined.set(chunk, left);
      this.#buf = joined;
    }
    this.#pos = 0;
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += out.length;
    if (this.#pos >= this.#buf.length) {
      this.#buf = EMPTY;
      this.#pos = 0;
    }
    return out;
  }

  /**
   * Reads `size` bytes (fewer only at the end of the body), or everything left when
   * `size` is omitted or negative.
   *
   * @param size How many bytes to read.
   * @returns The bytes read; empty once the body has ended.
   */
  async read(size?: number): Promise<Uint8Array> {
    if (size === undefined || size === null || size < 0) size = Infinity;
    else if (typeof size !== "number" || Number.isNaN(size)) {
      throw new TypeError(`wsgi.input.read() takes a number of bytes, not ${typeof size}`);
    } else size = Math.floor(size);
    if (this.#buf.length - this.#pos >= size || this.#ended) return this.#take(size);
    // Collect the pieces and join them once: joining at every chunk would copy a large
    // body over and over.
    const parts: Uint8Array[] = [];
    let total = 0;
    if (this.#pos < this.#buf.length) {
      const rest = this.#take(this.#buf.length - this.#pos);
      parts.push(rest);
      total = rest.length;
    }
    while (total < size && await this.#fill()) {
      const piece = this.#take(Math.min(size - total, this.#buf.length - this.#pos));
      parts.push(piece);
      total += piece.length;
    }
    return joinParts(parts, total, () => this.#take(0));
  }

  /**
   * Reads one line, up to and including `\n`, or at most `size` bytes.
   *
   * @param size The most bytes to return; omitted or negative means no limit.
   * @returns The line; empty once the body has ended.
   */
  async readline(size?: number): Promise<Uint8Array> {
    const limit = size === undefined || size === null || size < 0 ? Infinity : Math.floor(size);
    // A line within the buffer (the common case) is a view, without copying.
    let buf = this.#buf;
    let pos = this.#pos;
    const nl = buf.indexOf(10, pos);
    if (nl !== -1 && nl - pos < limit) return this.#take(nl + 1 - pos);
    if (buf.length - pos >= limit) return this.#take(limit);
    // Otherwise collect the pieces and join them once at the end.
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const available = buf.length - pos;
      if (available > 0) {
        const room = limit - total;
        const at = buf.indexOf(10, pos);
        const n = at !== -1 && at - pos < room ? at + 1 - pos : Math.min(available, room);
        const piece = this.#take(n);
        parts.push(piece);
        total += n;
        if (total >= limit || piece[n - 1] === 10) break;
      }
      if (!(await this.#fill())) break;
      buf = this.#buf;
      pos = this.#pos;
    }
    return joinParts(parts, total, () => this.#take(0));
  }

  /**
   * Reads every remaining line (Python's `readlines()`).
   *
   * @returns The lines, each ending in `\n` except perhaps the last.
   */
  async readlines(): Promise<Uint8Array[]> {
    const lines: Uint8Array[] = [];
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return lines;
      lines.push(line);
    }
  }

  /** Yields the rest of the body in chunks as they arrive. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#pos < this.#buf.length) yield this.#take(this.#buf.length - this.#pos);
    while (await this.#fill()) yield this.#take(this.#buf.length - this.#pos);
  }
}

/**
 * A {@linkcode BodyInput} over bytes already in memory (test clients, environ builders).
 *
 * @param data The whole body.
 * @returns An input that reads `data` and then ends.
 *
 * @example
 * ```ts
 * import { bytesInput } from "@phial/phial";
 * const input = bytesInput(new TextEncoder().encode("name=phial"));
 * const body = new TextDecoder().decode(await input.read());
 * ```
 */
export function bytesInput(data: Uint8Array): BodyInput {
  return BodyInput.fromBytes(data);
}
