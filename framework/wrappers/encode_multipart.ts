/**
 * `multipart/form-data` encoding (RFC 7578) for the test client's `EnvironBuilder`,
 * laid out the way browsers and curl send it.
 *
 * @module
 */

/** A file to upload: its content, and optionally its filename and content type. */
export interface FileLike {
  /** The file's content. */
  data: string | Uint8Array | Blob;
  /** The filename sent in `Content-Disposition`; none makes the part a plain field. */
  filename?: string;
  /** The part's `Content-Type`; guessed from the filename when omitted. */
  contentType?: string;
}

/** A value in a multipart form: a text field, or a file (`FileLike`, `File`, `Blob`, bytes). */
export type MultipartValue = string | number | boolean | FileLike | Blob | Uint8Array;

/** An encoded body: its parts in order (Blobs are read later) and its exact length. */
export interface EncodedMultipart {
  /** The boundary, without the leading dashes. */
  boundary: string;
  /** The `Content-Type` to send: `multipart/form-data; boundary="..."`. */
  contentType: string;
  /** The body's total length in bytes. */
  length: number;
  /** The body's pieces; a `Blob` stands for its own bytes. */
  parts: (Uint8Array | Blob)[];
}

const encoder = new TextEncoder();

const MIME_BY_EXTENSION: Record<string, string> = {
  txt: "text/plain",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  csv: "text/csv",
  js: "text/javascript",
  mjs: "text/javascript",
  json: "application/json",
  xml: "application/xml",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  ico: "image/vnd.microsoft.icon",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  wasm: "application/wasm",
};

/** Guesses a file's content type from its extension, as Python's `mimetypes` would. */
export function guessContentType(filename: string): string | undefined {
  const dot = filename.lastIndexOf(".");
  if (dot < 0) return undefined;
  return MIME_BY_EXTENSION[filename.slice(dot + 1).toLowerCase()];
}

/** A fresh random boundary. */
export function makeBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `---------------PhialFormPart_${hex}`;
}

// Browsers (WHATWG "multipart/form-data encoding") escape these in name and filename.
function escapeDispositionValue(value: string): string {
  return value.replace(/[\r\n"]/g, (c) => c === '"' ? "%22" : c === "\r" ? "%0D" : "%0A");
}

function isFileLike(value: unknown): value is FileLike {
  return typeof value === "object" && value !== null && "data" in value &&
    !(value instanceof Blob) && !(value instanceof Uint8Array);
}

/**
 * Encodes form fields and files as `multipart/form-data`, without reading any `Blob`.
 *
 * @param values the fields in order; a key may repeat
 * @param boundary the boundary to use (a random one by default)
 * @returns the parts, their total length and the `Content-Type` to send
 * @example Encoding a field and a file
 * ```ts
 * import { streamEncodeMultipart } from "@phial/phial";
 * const body = streamEncodeMultipart([
 *   ["name", "Ada"],
 *   ["cv", { data: "hello", filename: "cv.txt" }],
 * ]);
 * console.log(body.contentType, body.length);
 * ```
 */
export function streamEncodeMultipart(
  values: Iterable<[string, MultipartValue]>,
  boundary: string = makeBoundary(),
): EncodedMultipart {
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(" ")) {
    throw new TypeError(`Invalid multipart boundary: ${JSON.stringify(boundary)}`);
  }
  const parts: (Uint8Array | Blob)[] = [];
  let length = 0;
  const push = (part: Uint8Array | Blob): void => {
    parts.push(part);
    length += part instanceof Blob ? part.size : part.byteLength;
  };
  const delimiter = `--${boundary}\r\n`;
  for (const [key, value] of values) {
    let head = `${delimiter}Content-Disposition: form-data; name="${escapeDispositionValue(key)}"`;
    if (
      typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ) {
      push(encoder.encode(`${head}\r\n\r\n${value}\r\n`));
      continue;
    }
    let data: string | Uint8Array | Blob;
    let filename: string | undefined;
    let contentType: string | undefined;
    if (value instanceof Blob) {
      data = value;
      // As FormData does, a Blob that is not a File is sent as a file named "blob".
      filename = value instanceof File ? value.name : "blob";
      contentType = value.type || undefined;
    } else if (value instanceof Uint8Array) {
      data = value;
    } else if (isFileLike(value)) {
      data = value.data;
      filename = value.filename ??
        (value.data instanceof File ? value.data.name : undefined);
      contentType = value.contentType ??
        (value.data instanceof Blob && value.data.type ? value.data.type : undefined);
    } else {
      throw new TypeError(
        `Cannot encode form value for ${JSON.stringify(key)}: expected a string, a number, ` +
          "a Blob, a Uint8Array or { data, filename, contentType }",
      );
    }
    if (filename !== undefined) head += `; filename="${escapeDispositionValue(filename)}"`;
    contentType ??= (filename && guessContentType(filename)) || "application/octet-stream";
    if (/[\r\n]/.test(contentType)) {
      throw new TypeError(`Invalid content type for ${JSON.stringify(key)}: CR or LF`);
    }
    push(encoder.encode(`${head}\r\nContent-Type: ${contentType}\r\n\r\n`));
    push(typeof data === "string" ? encoder.encode(data) : data);
    push(encoder.encode("\r\n"));
  }
  push(encoder.encode(`--${boundary}--\r\n`));
  return {
    boundary,
    contentType: `multipart/form-data; boundary="${boundary}"`,
    length,
    parts,
  };
}

/**
 * Encodes form fields and files as one `multipart/form-data` body (Werkzeug's
 * `encode_multipart`).
 *
 * @returns `[boundary, body]`
 */
export async function encodeMultipart(
  values: Iterable<[string, MultipartValue]>,
  boundary?: string,
): Promise<[string, Uint8Array]> {
  const encoded = streamEncodeMultipart(values, boundary);
  const out = new Uint8Array(encoded.length);
  let offset = 0;
  for (const part of encoded.parts) {
    const bytes = part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return [encoded.boundary, out];
}
