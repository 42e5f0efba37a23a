/**
 * The body of a `Response`: what a user may pass in, normalized to either a buffered
 * sequence of byte chunks or a stream that is consumed once.
 *
 * @module
 */

import type { Body, Chunk } from "../gateway/types.ts";

/** Anything a `Response` accepts as its body. */
export type ResponseBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Iterable<Chunk>
  | AsyncIterable<Chunk>
  | ReadableStream<Chunk>
  | null
  | undefined;

/** A body that is read once, in order: sync or async chunks, possibly with `close()`. */
export type StreamedBody =
  & (Iterable<Chunk> | AsyncIterable<Chunk>)
  & { close?(): void | Promise<void> };

const encoder = new TextEncoder();

/** Encodes one chunk: strings as UTF-8, bytes as they are. */
export function encodeChunk(chunk: Chunk): Uint8Array {
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(
    `A response body chunk must be a string or a Uint8Array, not ${describe(chunk)}`,
  );
}

/** Whether `value` can be iterated synchronously. */
export function isSyncIterable(value: unknown): value is Iterable<Chunk> {
  return value != null && typeof (value as Iterable<Chunk>)[Symbol.iterator] === "function";
}

/** Whether `value` can be iterated with `for await`. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<Chunk> {
  return value != null &&
    typeof (value as AsyncIterable<Chunk>)[Symbol.asyncIterator] === "function";
}

/** `body`'s chunks, iterated as `body` iterates (sync first), with `close` as `close()`. */
export function withClose(
  body: Iterable<Chunk> | AsyncIterable<Chunk>,
  close: () => Promise<void>,
): Body {
  if (isSyncIterable(body)) return { [Symbol.iterator]: () => body[Symbol.iterator](), close };
  return { [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](), close };
}

/** Turns a `ReadableStream` into an async iterable that cancels the stream on `close()`. */
export function readableToIterable(stream: ReadableStream<Chunk>): StreamedBody {
  let reader: ReadableStreamDefaultReader<Chunk> | undefined;
  let done = false;
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
      reader = stream.getReader();
      try {
        while (true) {
          const r = await reader.read();
          if (r.done) break;
          yield r.value;
        }
      } finally {
        done = true;
        reader.releaseLock();
      }
    },
    async close(): Promise<void> {
      if (done) return;
      done = true;
      try {
        if (reader) await reader.cancel();
        else await stream.cancel();
      } catch {
        // The stream already failed or was locked elsewhere: nothing left to release.
      }
    },
  };
}

/**
 * The part of `chunk`, which starts at byte `pos` of its body, that falls within bytes
 * `[start, end)` of the body (a view), or `null` when none does.
 */
function cutChunk(chunk: Uint8Array, pos: number, start: number, end: number): Uint8Array | null {
  const chunkEnd = pos + chunk.byteLength;
  if (chunkEnd <= start || pos >= end) return null;
  return chunk.subarray(Math.max(0, start - pos), Math.min(chunk.byteLength, end - pos));
}

/**
 * Yields `length` bytes starting at byte `start` of a chunk sequence.
 *
 * @returns the selected slices (views, not copies)
 */
export function sliceChunks(
  chunks: readonly Uint8Array[],
  start: number,
  length: number,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  const end = start + length;
  for (const c of chunks) {
    const part = cutChunk(c, pos, start, end);
    if (part) out.push(part);
    pos += c.byteLength;
    if (pos >= end) break;
  }
  return out;
}

/** Lazily cuts bytes `[start, start + length)` out of a streamed body, keeping `close()`. */
export function sliceStream(body: StreamedBody, start: number, length: number): StreamedBody {
  const end = start + length;
  const close = body.close?.bind(body);
  if (isSyncIterable(body)) {
    const source = body;
    return {
      *[Symbol.iterator](): Generator<Chunk> {
        let pos = 0;
        for (const chunk of source) {
          const c = encodeChunk(chunk);
          const part = cutChunk(c, pos, start, end);
          pos += c.byteLength;
          if (part) yield part;
          if (pos >= end) return;
        }
      },
      ...(close ? { close } : {}),
    };
  }
  const source = body as AsyncIterable<Chunk>;
  return {
    async *[Symbol.asyncIterator](): AsyncGenerator<Chunk> {
      let pos = 0;
      for await (const chunk of source) {
        const c = encodeChunk(chunk);
        const part = cutChunk(c, pos, start, end);
        pos += c.byteLength;
        if (part) yield part;
        if (pos >= end) return;
      }
    },
    ...(close ? { close } : {}),
  };
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `a ${name}` : typeof value;
  }
  return typeof value;
}
