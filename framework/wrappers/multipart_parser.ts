/**
 * A streaming `multipart/form-data` (RFC 7578) decoder: bytes in, events out, with
 * Werkzeug 3.1's leniency (CR, LF or CRLF line breaks, a missing line break before the
 * first boundary, whitespace after a boundary) and its limits (413 for too many parts or
 * too much buffered data). The I/O loop that drives it is `parseMultipart`.
 *
 * @module
 */
import { RequestEntityTooLarge } from "../http/exceptions.ts";
import { parseOptionsHeader } from "../http/header_values.ts";
import type { InputStream } from "../gateway/types.ts";
import { concatBytes } from "../gateway/concat_bytes.ts";
import { CR, latin1EncodeInto, LF } from "../gateway/http1_bytes.ts";
import { FileStorage, PartHeaders, SpooledFile } from "./file_storage.ts";

/** A malformed multipart body; the form parser answers it with an empty form, as Werkzeug. */
export class MultipartError extends Error {
  /** Always `"MultipartError"`. */
  override name: string = "MultipartError";
}

/** The decoder's events, in the order they can come. */
export type MultipartEvent =
  | { type: "preamble"; data: Uint8Array }
  | { type: "field"; name: string; headers: [string, string][] }
  | { type: "file"; name: string; filename: string; headers: [string, string][] }
  | { type: "data"; data: Uint8Array; moreData: boolean }
  | { type: "epilogue"; data: Uint8Array }
  | { type: "needData" };

/** Options of {@linkcode MultipartDecoder}. */
export interface MultipartDecoderOptions {
  /** The most bytes buffered at once (not counting file data already handed out). */
  maxFormMemorySize?: number | null;
  /** The most parts; one more is a 413. */
  maxParts?: number | null;
}

const NEED_DATA: MultipartEvent = Object.freeze({ type: "needData" });
const DASH = 45;
const SEARCH_EXTRA_LENGTH = 8;
const EMPTY = new Uint8Array(0);
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Replacing = new TextDecoder("utf-8", { ignoreBOM: true });

const enum State {
  Preamble,
  Part,
  DataStart,
  Data,
  Epilogue,
  Complete,
}
const STATE_NAMES = ["PREAMBLE", "PART", "DATA_START", "DATA", "EPILOGUE", "COMPLETE"];

/** Horizontal whitespace as in Python's `[^\S\n\r]` over bytes: space, tab, VT, FF. */
function isHorizontal(b: number | undefined): boolean {
  return b === 32 || b === 9 || b === 11 || b === 12;
}

function isSpaceByte(b: number): boolean {
  return b === 32 || (b >= 9 && b <= 13);
}

/**
 * Decodes a multipart body fed in pieces. Call {@linkcode receiveData} with each chunk
 * (and `null` at the end), then {@linkcode nextEvent} until it gives `needData` or
 * `epilogue`. Malformed input makes it throw {@linkcode MultipartError}; limits throw
 * `RequestEntityTooLarge`.
 *
 * @example
 * ```ts
 * import { MultipartDecoder } from "@phial/phial";
 * const decoder = new MultipartDecoder("xyz");
 * decoder.receiveData(new TextEncoder().encode(
 *   '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n',
 * ));
 * decoder.receiveData(null);
 * decoder.nextEvent(); // { type: "preamble", ... }
 * decoder.nextEvent(); // { type: "field", name: "a", ... }
 * ```
 */
export class MultipartDecoder {
  /** The boundary, without the leading dashes. */
  readonly boundary: Uint8Array;
  /** Whether `receiveData(null)` has been called. */
  complete: boolean = false;
  #dashBoundary: Uint8Array;
  #maxMemory: number | null;
  #maxParts: number | null;
  #buf: Uint8Array = new Uint8Array(1024);
  #start = 0;
  #end = 0;
  #state: State = State.Preamble;
  #searchPosition = 0;
  #partsDecoded = 0;

  /**
   * Creates a decoder for one body.
   *
   * @param boundary The `boundary` parameter of the content type.
   * @param options `maxFormMemorySize` and `maxParts`.
   */
  constructor(boundary: string | Uint8Array, options?: MultipartDecoderOptions) {
    if (typeof boundary === "string") {
      this.boundary = new Uint8Array(boundary.length);
      latin1EncodeInto(boundary, this.boundary, 0);
    } else this.boundary = boundary;
    this.#dashBoundary = new Uint8Array(this.boundary.length + 2);
    this.#dashBoundary[0] = DASH;
    this.#dashBoundary[1] = DASH;
    this.#dashBoundary.set(this.boundary, 2);
    this.#maxMemory = options?.maxFormMemorySize ?? null;
    this.#maxParts = options?.maxParts ?? null;
  }

  /** The number of bytes buffered and not yet handed out. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /**
   * Feeds a chunk of the body, or `null` at its end.
   *
   * @param data The next bytes, or `null`.
   */
  receiveData(data: Uint8Array | null): void {
    if (data === null) {
      this.complete = true;
      return;
    }
    const held = this.#end - this.#start;
    if (this.#maxMemory !== null && held + data.length > this.#maxMemory) {
      throw new RequestEntityTooLarge();
    }
    if (this.#end + data.length > this.#buf.length) {
      if (held + data.length <= this.#buf.length && this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        let size = this.#buf.length * 2;
        while (size < held + data.length) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = held;
    }
    this.#buf.set(data, this.#end);
    this.#end += data.length;
  }

  /** The buffered bytes (a view, valid until the next `receiveData`). */
  #view(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#end);
  }

  #consume(n: number): void {
    this.#start += n;
    if (this.#start >= this.#end) {
      this.#start = 0;
      this.#end = 0;
    }
  }

  /**
   * Gives the next event: `needData` when more input is needed, `epilogue` at the end.
   *
   * @returns The event.
   */
  nextEvent(): MultipartEvent {
    let event: MultipartEvent = NEED_DATA;
    const buf = this.#view();
    switch (this.#state) {
      case State.Preamble: {
        const match = this.#searchBoundary(buf, this.#searchPosition, false);
        if (match !== null) {
          this.#state = match.last ? State.Epilogue : State.Part;
          event = { type: "preamble", data: buf.slice(0, match.start) };
          this.#consume(match.end);
          this.#searchPosition = 0;
        } else {
          this.#searchPosition = Math.max(
            0,
            buf.length - this.boundary.length - SEARCH_EXTRA_LENGTH,
          );
        }
        break;
      }
      case State.Part: {
        const blank = searchBlankLine(buf, this.#searchPosition);
        if (blank !== null) {
          const headers = parsePartHeaders(buf.subarray(0, blank[0]));
          const headersEnd = (blank[0] + blank[1]) >> 1;
          this.#consume(headersEnd);
          let disposition: string | undefined;
          for (const [key, value] of headers) {
            if (key.toLowerCase() === "content-disposition") {
              disposition = value;
              break;
            }
          }
          if (disposition === undefined) {
            throw new MultipartError("Missing Content-Disposition header");
          }
          const params = parseOptionsHeader(disposition)[1];
          // Werkzeug keeps a missing name as None; "" is the closest string.
          const name = params.name ?? "";
          const filename = params.filename;
          event = filename !== undefined
            ? { type: "file", name, filename, headers }
            : { type: "field", name, headers };
          this.#state = State.DataStart;
          this.#searchPosition = 0;
          this.#partsDecoded++;
          if (this.#maxParts !== null && this.#partsDecoded > this.#maxParts) {
            throw new RequestEntityTooLarge();
          }
        } else {
          this.#searchPosition = Math.max(0, buf.length - SEARCH_EXTRA_LENGTH);
        }
        break;
      }
      case State.DataStart:
      case State.Data: {
        const start = this.#state === State.DataStart;
        const [data, delIndex, moreData] = this.#parseData(buf, start);
        this.#consume(delIndex);
        if (start) {
          event = { type: "data", data, moreData };
          if (moreData) this.#state = State.Data;
        } else if (data.length > 0 || !moreData) {
          event = { type: "data", data, moreData };
        }
        break;
      }
      case State.Epilogue:
        if (this.complete) {
          event = { type: "epilogue", data: buf.slice() };
          this.#consume(buf.length);
          this.#state = State.Complete;
        }
        break;
    }
    if (this.complete && event === NEED_DATA) {
      throw new MultipartError(
        `Invalid form-data cannot parse beyond State.${STATE_NAMES[this.#state]}`,
      );
    }
    return event;
  }

  /**
   * Finds the leftmost `[LB]--boundary(--[h]*[LB] | [h]*LB)` at or after `from`; the
   * leading line break is optional only in the preamble (`requireBreak` false).
   */
  #searchBoundary(
    buf: Uint8Array,
    from: number,
    requireBreak: boolean,
  ): { start: number; end: number; last: boolean } | null {
    const dash = this.#dashBoundary;
    let k = indexOf(buf, dash, from);
    while (k !== -1) {
      let start = k;
      if (k - 1 >= from && buf[k - 1] === LF) {
        start = k - 2 >= from && buf[k - 2] === CR ? k - 2 : k - 1;
      } else if (k - 1 >= from && buf[k - 1] === CR) {
        start = k - 1;
      }
      if (start !== k || !requireBreak) {
        let j = k + dash.length;
        const n = buf.length;
        if (buf[j] === DASH && buf[j + 1] === DASH) {
          j += 2;
          while (isHorizontal(buf[j])) j++;
          if (buf[j] === CR) j += buf[j + 1] === LF ? 2 : 1;
          else if (buf[j] === LF) j++;
          return { start, end: j, last: true };
        }
        while (j < n && isHorizontal(buf[j])) j++;
        if (buf[j] === CR) return { start, end: j + (buf[j + 1] === LF ? 2 : 1), last: false };
        if (buf[j] === LF) return { start, end: j + 1, last: false };
      }
      k = indexOf(buf, dash, k + 1);
    }
    return null;
  }

  #parseData(buf: Uint8Array, start: boolean): [Uint8Array, number, boolean] {
    let dataStart = 0;
    if (start) {
      // The part's data begins after the second half of the blank line.
      if (buf[0] === CR) dataStart = buf[1] === LF ? 2 : 1;
      else if (buf[0] === LF) dataStart = 1;
    }
    let dataEnd: number;
    let delIndex: number;
    let moreData: boolean;
    if (indexOf(buf, this.#dashBoundary, 0) === -1) {
      dataEnd = delIndex = this.#lastPartialBoundaryIndex(buf, dataStart) + dataStart;
      moreData = true;
    } else {
      const match = this.#searchBoundary(buf, 0, true);
      if (match !== null) {
        this.#state = match.last ? State.Epilogue : State.Part;
        dataEnd = match.start;
        delIndex = match.end;
      } else {
        dataEnd = delIndex = this.#lastPartialBoundaryIndex(buf, dataStart) + dataStart;
      }
      moreData = match === null;
    }
    const data = dataEnd > dataStart ? buf.slice(dataStart, dataEnd) : EMPTY;
    return [data, delIndex, moreData];
  }

  /**
   * Where a boundary might begin in the tail of `buf[from:]` (relative to `from`): the
   * earlier of the last CR and the last LF, if within one boundary of the end.
   */
  #lastPartialBoundaryIndex(buf: Uint8Array, from: number): number {
    const len = buf.length - from;
    const complete = len - (this.boundary.length + 4);
    let lastLf = buf.lastIndexOf(LF) - from;
    if (lastLf < 0 || lastLf < complete) lastLf = len;
    let lastCr = buf.lastIndexOf(CR) - from;
    if (lastCr < 0 || lastCr < complete) lastCr = len;
    return Math.min(lastLf, lastCr);
  }
}

/** The first index of `needle` in `hay` at or after `from`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const m = needle.length;
  const last = hay.length - m;
  let i = hay.indexOf(first, from);
  while (i !== -1 && i <= last) {
    let k = 1;
    while (k < m && hay[i + k] === needle[k]) k++;
    if (k === m) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

/** The leftmost `\r\n\r\n`, `\r\r` or `\n\n` at or after `from`, as [start, end]. */
function searchBlankLine(buf: Uint8Array, from: number): [number, number] | null {
  const n = buf.length;
  for (let i = from; i < n - 1; i++) {
    const b = buf[i];
    if (b === CR) {
      if (buf[i + 1] === LF && buf[i + 2] === CR && buf[i + 3] === LF) return [i, i + 4];
      if (buf[i + 1] === CR) return [i, i + 2];
    } else if (b === LF && buf[i + 1] === LF) {
      return [i, i + 2];
    }
  }
  return null;
}

/**
 * Parses a part's header block: folded lines joined, one `name: value` per line, both
 * trimmed; a line without `:` is a name with an empty value. Header bytes must be UTF-8.
 */
function parsePartHeaders(block: Uint8Array): [string, string][] {
  // Unfold: a line break followed by a space or tab becomes one space.
  const bytes: number[] = [];
  for (let i = 0; i < block.length; i++) {
    const b = block[i]!;
    if (b === CR || b === LF) {
      const next = b === CR && block[i + 1] === LF ? i + 2 : i + 1;
      if (block[next] === 32 || block[next] === 9) {
        bytes.push(32);
        i = next;
        continue;
      }
    }
    bytes.push(b);
  }
  const headers: [string, string][] = [];
  let lineStart = 0;
  const n = bytes.length;
  for (let i = 0; i <= n; i++) {
    const b = i < n ? bytes[i] : LF;
    if (b !== CR && b !== LF) continue;
    let s = lineStart;
    let e = i;
    while (s < e && isSpaceByte(bytes[s]!)) s++;
    while (e > s && isSpaceByte(bytes[e - 1]!)) e--;
    if (e > s) {
      let line: string;
      try {
        line = utf8Strict.decode(Uint8Array.from(bytes.slice(s, e)));
      } catch {
        throw new MultipartError("Invalid UTF-8 in a part's headers");
      }
      const colon = line.indexOf(":");
      if (colon === -1) headers.push([pyStrip(line), ""]);
      else headers.push([pyStrip(line.slice(0, colon)), pyStrip(line.slice(colon + 1))]);
    }
    if (b === CR && bytes[i + 1] === LF) i++;
    lineStart = i + 1;
  }
  return headers;
}

/** Python's `str.strip()`: Unicode whitespace, including \x1c-\x1f and \x85. */
function pyStrip(s: string): string {
  return s.replace(PY_SPACE_EDGES, "");
}
const PY_SPACE =
  "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACE_EDGES = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/** Options of {@linkcode parseMultipart}. */
export interface ParseMultipartOptions {
  /** The most bytes of one non-file field (and of buffered data); more is a 413. */
  maxFormMemorySize?: number | null;
  /** The most parts; more is a 413. */
  maxFormParts?: number | null;
  /** Bytes read from the stream at a time (default 64 KiB, as Werkzeug). */
  bufferSize?: number;
  /** Bytes of one file kept in memory before it spills to a temporary file (500 KiB). */
  maxMemoryFileSize?: number;
}

/** The fields and files of a multipart body, in order. */
export interface ParsedMultipart {
  /** `[name, value]` of each non-file part. */
  form: [string, string][];
  /** `[name, file]` of each file part. */
  files: [string, FileStorage][];
}

const SAFE_PART_CHARSETS = new Set(["ascii", "us-ascii", "utf-8", "iso-8859-1"]);

/** Decodes a field's bytes with its part's charset, replacing invalid bytes with U+FFFD. */
function decodeField(chunks: Uint8Array[], headers: [string, string][]): string {
  let charset = "utf-8";
  for (const [key, value] of headers) {
    if (key.toLowerCase() === "content-type") {
      if (value) {
        const cs = (parseOptionsHeader(value)[1].charset ?? "").toLowerCase();
        if (SAFE_PART_CHARSETS.has(cs)) charset = cs;
      }
      break;
    }
  }
  const bytes = concatBytes(chunks);
  if (charset === "utf-8") return utf8Replacing.decode(bytes);
  let out = "";
  const ascii = charset !== "iso-8859-1";
  for (const b of bytes) out += ascii && b > 0x7f ? "\ufffd" : String.fromCharCode(b);
  return out;
}

/**
 * Reads a multipart body from `stream` and decodes it as Werkzeug's `MultiPartParser`:
 * fields become text (with their part's charset when it is a safe one), files become
 * {@linkcode FileStorage}s spooled to disk beyond 500 KiB.
 *
 * @param stream The body.
 * @param boundary The content type's `boundary`.
 * @param options The limits.
 * @returns The fields and files.
 * @throws {MultipartError} When the body is malformed.
 * @throws {RequestEntityTooLarge} When a limit is exceeded.
 */
export async function parseMultipart(
  stream: InputStream,
  boundary: string,
  options?: ParseMultipartOptions,
): Promise<ParsedMultipart> {
  const maxMemory = options?.maxFormMemorySize ?? null;
  const bufferSize = options?.bufferSize ?? 64 * 1024;
  const decoder = new MultipartDecoder(boundary, {
    maxFormMemorySize: maxMemory,
    maxParts: options?.maxFormParts ?? null,
  });
  const form: [string, string][] = [];
  const files: [string, FileStorage][] = [];
  let current: Extract<MultipartEvent, { type: "field" | "file" }> | undefined;
  let fieldChunks: Uint8Array[] = [];
  let fieldSize = 0;
  let spool: SpooledFile | undefined;
  try {
    for (;;) {
      const chunk = await stream.read(bufferSize);
      decoder.receiveData(chunk.length > 0 ? chunk : null);
      let event = decoder.nextEvent();
      while (event.type !== "epilogue" && event.type !== "needData") {
        if (event.type === "field") {
          current = event;
          fieldChunks = [];
          fieldSize = 0;
        } else if (event.type === "file") {
          current = event;
          spool = new SpooledFile(options?.maxMemoryFileSize);
        } else if (event.type === "data" && current !== undefined) {
          if (current.type === "field") {
            fieldSize += event.data.length;
            if (maxMemory !== null && fieldSize > maxMemory) throw new RequestEntityTooLarge();
            fieldChunks.push(event.data);
            if (!event.moreData) {
              form.push([current.name, decodeField(fieldChunks, current.headers)]);
            }
          } else {
            await spool!.write(event.data);
            if (!event.moreData) {
              files.push([
                current.name,
                new FileStorage(spool!, {
                  filename: current.filename,
                  name: current.name,
                  headers: new PartHeaders(current.headers),
                }),
              ]);
              spool = undefined;
            }
          }
        }
        event = decoder.nextEvent();
      }
      if (chunk.length === 0) break;
    }
  } catch (error) {
    await spool?.close();
    for (const [, file] of files) await file.close();
    throw error;
  }
  return { form, files };
}
