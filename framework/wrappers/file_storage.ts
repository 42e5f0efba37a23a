/**
 * `FileStorage`: an uploaded file (Werkzeug's), and `SpooledFile`, the buffer that keeps
 * an upload in memory up to a size and spills it to a temporary file beyond it.
 *
 * @module
 */
import { BodyInput } from "../gateway/input_stream.ts";
import type { InputStream } from "../gateway/types.ts";
import { Headers, type HeadersInit } from "../http/headers.ts";
import { parseOptionsHeader } from "../http/header_values.ts";

/** Werkzeug's spooling threshold: uploads above 500 KiB go to a temporary file. */
export const DEFAULT_MAX_MEMORY_FILE_SIZE: number = 1024 * 500;
const READ_SIZE = 64 * 1024;

/**
 * A part's headers as the client sent them. Unlike `Headers`, building it does not
 * validate names and values (a client may send any bytes), so reading a form never
 * throws on them.
 */
export class PartHeaders extends Headers {
  /**
   * Wraps parsed part headers without validating them.
   *
   * @param pairs The parsed header lines, in order.
   */
  constructor(pairs: [string, string][]) {
    super();
    this.list = pairs;
  }
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await file.write(data.subarray(off));
}

/**
 * A write-then-read byte buffer that stays in memory up to `maxMemory` bytes and moves
 * to a temporary file (`Deno.makeTempFile`, removed when closed) beyond it, like
 * Python's `SpooledTemporaryFile`.
 */
export class SpooledFile {
  /** Bytes kept in memory before spilling. */
  readonly maxMemory: number;
  #chunks: Uint8Array[] = [];
  #size = 0;
  #file: Deno.FsFile | undefined;
  #path: string | undefined;
  #closed = false;

  /**
   * Creates an empty buffer.
   *
   * @param maxMemory Bytes kept in memory before spilling (default 500 KiB).
   */
  constructor(maxMemory: number = DEFAULT_MAX_MEMORY_FILE_SIZE) {
    this.maxMemory = maxMemory;
  }

  /** The number of bytes written. */
  get size(): number {
    return this.#size;
  }

  /** The temporary file's path once spilled, else `undefined`. */
  get path(): string | undefined {
    return this.#path;
  }

  /** Whether the data has moved to a temporary file. */
  get spilled(): boolean {
    return this.#file !== undefined;
  }

  /**
   * Appends bytes, spilling to disk once the total exceeds `maxMemory`.
   *
   * @param data The bytes to append (copied or written out; the caller may reuse it).
   */
  async write(data: Uint8Array): Promise<void> {
    if (this.#closed) throw new TypeError("Cannot write to a closed SpooledFile");
    if (data.length === 0) return;
    this.#size += data.length;
    if (this.#file !== undefined) {
      await writeAll(this.#file, data);
      return;
    }
    this.#chunks.push(data);
    if (this.#size > this.maxMemory) {
      const path = await Deno.makeTempFile({ prefix: "phial-upload-" });
      const file = await Deno.open(path, { read: true, write: true });
      this.#file = file;
      this.#path = path;
      for (const chunk of this.#chunks) await writeAll(file, chunk);
      this.#chunks = [];
    }
  }

  /**
   * A fresh reader over everything written, from the start.
   *
   * @returns The reader.
   */
  reader(): BodyInput {
    const file = this.#file;
    if (file === undefined) {
      const chunks = this.#chunks;
      let i = 0;
      return new BodyInput(() => Promise.resolve(i < chunks.length ? chunks[i++]! : null));
    }
    let pos = 0;
    return new BodyInput(async () => {
      if (this.#closed) return null;
      // Readers may interleave with each other, so each one keeps its own position.
      await file.seek(pos, Deno.SeekMode.Start);
      const buf = new Uint8Array(READ_SIZE);
      const n = await file.read(buf);
      if (n === null || n === 0) return null;
      pos += n;
      return buf.subarray(0, n);
    });
  }

  /** Frees the memory, or closes and removes the temporary file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    const file = this.#file;
    const path = this.#path;
    this.#file = undefined;
    if (file !== undefined) {
      try {
        file.close();
      } catch {
        // Already closed.
      }
    }
    if (path !== undefined) {
      try {
        await Deno.remove(path);
      } catch {
        // Already gone.
      }
    }
  }
}

/** Options of {@linkcode FileStorage}: Werkzeug's keyword arguments. */
export interface FileStorageOptions {
  /** The client's filename (`Content-Disposition` `filename`). */
  filename?: string | null;
  /** The form field's name. */
  name?: string | null;
  /** Sets the `Content-Type` header. */
  contentType?: string | null;
  /** Sets the `Content-Length` header. */
  contentLength?: number | null;
  /** The part's headers. */
  headers?: Headers | HeadersInit | null;
}

/** What a {@linkcode FileStorage} can read: bytes, text, a stream or a spooled buffer. */
export type FileStorageSource = Uint8Array | string | InputStream | SpooledFile;

const encoder = new TextEncoder();

/**
 * An uploaded file, as in `request.files` (Werkzeug's `FileStorage`).
 *
 * @example Saving an upload under a safe name
 * ```ts ignore
 * import { secureFilename } from "@phial/phial";
 * const file = (await request.files).get("avatar");
 * if (file && file.filename) await file.save(`/srv/uploads/${secureFilename(file.filename)}`);
 * ```
 */
export class FileStorage {
  /** The form field's name. */
  name: string | null;
  /** The filename the client sent (may be `""` when no file was chosen), or `null`. */
  filename: string | null;
  /** The part's headers. */
  headers: Headers;
  #source: FileStorageSource;
  #stream: InputStream | undefined;
  #parsedType: [string, Record<string, string>] | undefined;

  /**
   * Wraps uploaded content.
   *
   * @param source The content (bytes, text, a stream, or a `SpooledFile`); empty if omitted.
   * @param options `filename`, `name`, `contentType`, `contentLength`, `headers`.
   */
  constructor(source?: FileStorageSource | null, options?: FileStorageOptions) {
    this.#source = source ?? new Uint8Array(0);
    this.name = options?.name ?? null;
    this.filename = options?.filename ?? null;
    const headers = options?.headers;
    this.headers = headers instanceof Headers ? headers : new Headers(headers ?? undefined);
    if (options?.contentType !== undefined && options.contentType !== null) {
      this.headers.set("Content-Type", options.contentType);
    }
    if (options?.contentLength !== undefined && options.contentLength !== null) {
      this.headers.set("Content-Length", String(options.contentLength));
    }
  }

  /** The `Content-Type` the client sent for this part, if any. */
  get contentType(): string | undefined {
    return this.headers.get("content-type");
  }

  /** The part's `Content-Length` header as a number, or 0 (browsers rarely send it). */
  get contentLength(): number {
    const value = this.headers.get("content-length");
    if (value !== undefined && /^\s*-?\d+\s*$/.test(value)) return parseInt(value, 10);
    return 0;
  }

  /** The content type without parameters, lowercased (`""` if none). */
  get mimetype(): string {
    return this.#contentType()[0].toLowerCase();
  }

  /** The content type's parameters, e.g. `{ charset: "utf-8" }`. */
  get mimetypeParams(): Record<string, string> {
    return this.#contentType()[1];
  }

  #contentType(): [string, Record<string, string>] {
    return this.#parsedType ??= parseOptionsHeader(this.contentType);
  }

  /** The content's size in bytes when known (uploads parsed by phial always know it). */
  get size(): number | undefined {
    const source = this.#source;
    if (source instanceof SpooledFile) return source.size;
    if (source instanceof Uint8Array) return source.length;
    if (typeof source === "string") return encoder.encode(source).length;
    return undefined;
  }

  /** The temporary file holding the content, when the upload was large enough to spill. */
  get tempPath(): string | undefined {
    return this.#source instanceof SpooledFile ? this.#source.path : undefined;
  }

  /** The content as a stream (`read(n)`, `readline()`, async iteration), read once. */
  get stream(): InputStream {
    return this.#stream ??= this.#open();
  }

  #open(): InputStream {
    const source = this.#source;
    if (source instanceof SpooledFile) return source.reader();
    if (source instanceof Uint8Array) return BodyInput.fromBytes(source);
    if (typeof source === "string") return BodyInput.fromBytes(encoder.encode(source));
    return source;
  }

  /**
   * Rewinds the stream to the start (only `0` is supported, and only for content held
   * by the storage itself).
   *
   * @param offset Must be 0.
   */
  seek(offset: 0): void {
    if (offset !== 0) throw new TypeError("FileStorage.seek() only supports offset 0");
    const source = this.#source;
    if (
      !(source instanceof Uint8Array || typeof source === "string" ||
        source instanceof SpooledFile)
    ) {
      throw new TypeError("FileStorage.seek(): this storage's stream cannot be rewound");
    }
    this.#stream = undefined;
  }

  /**
   * Reads `size` bytes from the stream, or all that is left.
   *
   * @param size How many bytes.
   * @returns The bytes.
   */
  read(size?: number): Promise<Uint8Array> {
    return this.stream.read(size);
  }

  /**
   * Reads the rest of the content as UTF-8 text.
   *
   * @returns The text.
   */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.stream.read());
  }

  /**
   * Writes the (rest of the) content to a path, or to an open writer.
   *
   * @param dst A file path or URL (created or truncated), or a writer such as `Deno.FsFile`.
   */
  async save(dst: string | URL | { write(p: Uint8Array): Promise<number> }): Promise<void> {
    const toPath = typeof dst === "string" || dst instanceof URL;
    const out = toPath ? await Deno.open(dst, { write: true, create: true, truncate: true }) : dst;
    try {
      for await (const chunk of this.stream) {
        let off = 0;
        while (off < chunk.length) off += await out.write(chunk.subarray(off));
      }
    } finally {
      if (toPath) (out as Deno.FsFile).close();
    }
  }

  /** Releases the content (removes a spilled temporary file). */
  async close(): Promise<void> {
    if (this.#source instanceof SpooledFile) await this.#source.close();
  }

  /** True when a filename was sent and is not empty (Werkzeug's `bool(file)`). */
  get hasFile(): boolean {
    return Boolean(this.filename);
  }

  /** `<FileStorage: 'a.txt' ('text/plain')>`. */
  toString(): string {
    return `<FileStorage: ${JSON.stringify(this.filename)} (${
      JSON.stringify(this.contentType ?? null)
    })>`;
  }
}
