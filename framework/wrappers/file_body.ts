/**
 * `FileBody`: a response body streamed from an open file, shared by
 * `SharedDataMiddleware` and `sendFile` (Werkzeug's `FileWrapper`).
 *
 * @module
 */

// Deno's file reads hand back at most 64 KiB at a time; asking for more gains nothing.
const CHUNK_SIZE = 64 * 1024;

/**
 * A file's bytes as body chunks, at most `size` of them: `Content-Length` was sent, and a
 * file that grew since must not break the response's framing. The file is closed when the
 * body is done or `close()` is called (once; later calls do nothing).
 *
 * @example Streaming a file as a response body
 * ```ts
 * import { FileBody, Response } from "@phial/phial";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "hello");
 * const body = new FileBody(await Deno.open(path), 5);
 * const response = new Response(body, { mimetype: "text/plain" });
 * await response.getData({ asText: true }); // "hello"
 * ```
 */
export class FileBody implements AsyncIterable<Uint8Array> {
  #file: Deno.FsFile | null;
  #remaining: number;

  /**
   * Wraps an open file.
   *
   * @param file The file, opened for reading and positioned where the body starts.
   * @param size How many bytes to send at most.
   */
  constructor(file: Deno.FsFile, size: number) {
    this.#file = file;
    this.#remaining = size;
  }

  /**
   * Reads the file in chunks, closing it at the end.
   *
   * @returns The chunks.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      while (this.#remaining > 0 && this.#file !== null) {
        const buffer = new Uint8Array(Math.min(CHUNK_SIZE, this.#remaining));
        const read = await this.#file.read(buffer);
        if (read === null) break;
        this.#remaining -= read;
        yield buffer.subarray(0, read);
      }
    } finally {
      this.close();
    }
  }

  /** Closes the file (once). */
  close(): void {
    const file = this.#file;
    this.#file = null;
    if (file === null) return;
    try {
      file.close();
    } catch {
      // Already closed by the runtime: nothing left to release.
    }
  }
}
