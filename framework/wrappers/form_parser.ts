/**
 * `FormDataParser`: reads a request body into `form` and `files` by its content type
 * (`application/x-www-form-urlencoded` or `multipart/form-data`), as Werkzeug's
 * `formparser` does — malformed bodies give an empty form, limits give 413.
 *
 * @module
 */
import { bytesInput } from "../gateway/input_stream.ts";
import type { InputStream } from "../gateway/types.ts";
import { RequestEntityTooLarge } from "../http/exceptions.ts";
import { MultiDict } from "../http/multi_dict.ts";
import { parseQueryPairs } from "../http/urls.ts";
import type { FileStorage } from "./file_storage.ts";
import { MultipartError, parseMultipart } from "./multipart_parser.ts";

/** Options of {@linkcode FormDataParser}: Werkzeug's limits. */
export interface FormDataParserOptions {
  /** The most bytes of non-file form data (urlencoded body, or one multipart field). */
  maxFormMemorySize?: number | null;
  /** The most multipart parts. */
  maxFormParts?: number | null;
  /** Bytes of one uploaded file kept in memory before spilling to disk (500 KiB). */
  maxMemoryFileSize?: number;
  /** When false, a malformed body throws `MultipartError`/`TypeError` instead of giving an
   * empty form (Werkzeug's `silent`, default true). */
  silent?: boolean;
}

/** The outcome of {@linkcode FormDataParser.parse}. */
export interface ParsedFormData {
  /** The non-file fields. */
  form: MultiDict<string>;
  /** The uploaded files. */
  files: MultiDict<FileStorage>;
  /** Whether the body was read (false for content types that are not form data). */
  consumed: boolean;
}

const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses form bodies (Werkzeug's `FormDataParser`).
 *
 * @example
 * ```ts
 * import { bytesInput, FormDataParser } from "@phial/phial";
 * const parser = new FormDataParser();
 * const body = new TextEncoder().encode("a=1&b=%20x");
 * const { form } = await parser.parse(
 *   bytesInput(body),
 *   "application/x-www-form-urlencoded",
 *   body.length,
 * );
 * form.get("b"); // " x"
 * ```
 */
export class FormDataParser {
  /** The most bytes of non-file form data; `null` for no limit. */
  maxFormMemorySize: number | null;
  /** The most multipart parts; `null` for no limit. */
  maxFormParts: number | null;
  /** Bytes of one uploaded file kept in memory. */
  maxMemoryFileSize: number | undefined;
  /** Whether malformed bodies give an empty form rather than an error. */
  silent: boolean;

  /**
   * Creates a parser with the given limits.
   *
   * @param options The limits, and `silent`.
   */
  constructor(options?: FormDataParserOptions) {
    this.maxFormMemorySize = options?.maxFormMemorySize ?? null;
    this.maxFormParts = options?.maxFormParts ?? null;
    this.maxMemoryFileSize = options?.maxMemoryFileSize;
    this.silent = options?.silent ?? true;
  }

  /**
   * Reads `stream` as form data of type `mimetype`; other types are not read.
   *
   * @param stream The body.
   * @param mimetype The lowercased mimetype, without parameters.
   * @param contentLength The body's declared length, or `null` (chunked).
   * @param params The content type's parameters (`boundary`).
   * @returns The form, files, and whether the body was read.
   * @throws {RequestEntityTooLarge} When a limit is exceeded.
   */
  async parse(
    stream: InputStream,
    mimetype: string,
    contentLength: number | null,
    params: Record<string, string> = {},
  ): Promise<ParsedFormData> {
    try {
      if (mimetype === "multipart/form-data") {
        return await this.#parseMultipart(stream, params);
      }
      if (mimetype === "application/x-www-form-urlencoded") {
        return await this.#parseUrlencoded(stream, contentLength);
      }
      return { form: new MultiDict(), files: new MultiDict(), consumed: false };
    } catch (error) {
      if (!(error instanceof MultipartError) || !this.silent) throw error;
      return { form: new MultiDict(), files: new MultiDict(), consumed: true };
    }
  }

  async #parseMultipart(
    stream: InputStream,
    params: Record<string, string>,
  ): Promise<ParsedFormData> {
    const boundary = params.boundary ?? "";
    // Werkzeug encodes the boundary as ASCII: an empty or non-ASCII one is malformed.
    // deno-lint-ignore no-control-regex
    if (boundary === "" || /[^\x00-\x7f]/.test(boundary)) {
      throw new MultipartError("Missing boundary");
    }
    const { form, files } = await parseMultipart(stream, boundary, {
      maxFormMemorySize: this.maxFormMemorySize,
      maxFormParts: this.maxFormParts,
      ...(this.maxMemoryFileSize !== undefined
        ? { maxMemoryFileSize: this.maxMemoryFileSize }
        : {}),
    });
    return { form: new MultiDict(form), files: new MultiDict(files), consumed: true };
  }

  async #parseUrlencoded(
    stream: InputStream,
    contentLength: number | null,
  ): Promise<ParsedFormData> {
    const max = this.maxFormMemorySize;
    if (max !== null && contentLength !== null && contentLength > max) {
      throw new RequestEntityTooLarge();
    }
    // Werkzeug reads everything; without a Content-Length the limit still holds here.
    const body = await stream.read(max === null ? undefined : max + 1);
    if (max !== null && body.length > max) throw new RequestEntityTooLarge();
    let text: string;
    try {
      text = utf8Strict.decode(body);
    } catch {
      throw new MultipartError("Form body is not valid UTF-8");
    }
    const form = new MultiDict(parseQueryPairs(text, { decoded: true }));
    return { form, files: new MultiDict(), consumed: true };
  }
}

/**
 * Parses `body` (bytes) as form data: a shortcut over {@linkcode FormDataParser} for
 * tests and tools.
 *
 * @param body The body bytes.
 * @param mimetype The mimetype.
 * @param params The content type's parameters.
 * @param options The limits.
 * @returns The form and files.
 */
export function parseFormBytes(
  body: Uint8Array,
  mimetype: string,
  params: Record<string, string> = {},
  options?: FormDataParserOptions,
): Promise<ParsedFormData> {
  return new FormDataParser(options).parse(bytesInput(body), mimetype, body.length, params);
}
