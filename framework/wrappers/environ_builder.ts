/**
 * `EnvironBuilder`: builds a gateway environ for a request that never touched a socket
 * (Werkzeug's `werkzeug.test.EnvironBuilder`), for tests and the test client.
 *
 * @module
 */

import type { Environ, ErrorStream, InputStream } from "../gateway/types.ts";
import { BodyInput, bytesInput } from "../gateway/input_stream.ts";
import { stderrErrors } from "../gateway/error_stream.ts";
import { concatBytes } from "../gateway/concat_bytes.ts";
import { Authorization } from "../http/authorization.ts";
import { Headers, type HeadersInit } from "../http/headers.ts";
import { MultiDict, type MultiDictInit } from "../http/multi_dict.ts";
import { latin1ToText, parseQueryPairs, urlEncode, urlQuote, urlUnquote } from "../http/urls.ts";
import { type MultipartValue, streamEncodeMultipart } from "./encode_multipart.ts";
import { getContentType } from "./content_type.ts";
import { iriToUri } from "./iri_to_uri.ts";
import { Request, type RequestOptions } from "./request.ts";

export type { FileLike, MultipartValue } from "./encode_multipart.ts";

/** A query: a raw string (no `?`), a record (arrays repeat a key), pairs or a `MultiDict`. */
export type QueryInit =
  | string
  | Record<string, unknown>
  | Iterable<readonly [string, unknown]>;

/** Form fields and files: a record (arrays repeat a key), pairs or a `MultiDict`. */
export type FormInit =
  | Record<string, MultipartValue | readonly MultipartValue[]>
  | Iterable<readonly [string, MultipartValue]>;

/** Options of {@linkcode EnvironBuilder} (Werkzeug's keyword arguments, camelCased). */
export interface EnvironBuilderOptions {
  /** The request method; `GET` by default. */
  method?: string;
  /** The query string; not allowed together with a `?` in the path. */
  query?: QueryInit;
  /** Alias of `query` (Werkzeug's name). */
  queryString?: QueryInit;
  /** Request headers. */
  headers?: HeadersInit;
  /**
   * The body: a string or bytes sent as is, a `Blob`, or form fields (a record or
   * pairs, where files — `Blob`, `{ data, filename }` — make the body multipart).
   */
  data?: string | Uint8Array | ArrayBuffer | Blob | FormInit;
  /** A value sent as JSON (`Content-Type: application/json`). */
  json?: unknown;
  /** Form fields, sent urlencoded (or multipart with `files`). */
  form?: FormInit;
  /** Files to upload: `{ field: File | Blob | { data, filename, contentType } }`. */
  files?: FormInit;
  /** The Content-Type header. */
  contentType?: string;
  /** The mimetype; `; charset=utf-8` is added for text types. */
  mimetype?: string;
  /** The Content-Length; computed from the body by default. */
  contentLength?: number;
  /** A ready-made `wsgi.input` (its length comes from `contentLength`). */
  inputStream?: InputStream;
  /** `scheme://host[:port]/script-root`; `http://localhost/` by default. */
  baseUrl?: string;
  /** The URL scheme (overrides `baseUrl`'s). */
  urlScheme?: "http" | "https";
  /** Alias of `urlScheme`. */
  scheme?: "http" | "https";
  /** The host, with an optional port (overrides `baseUrl`'s). */
  host?: string;
  /** Basic credentials: `[username, password]` or `{ username, password }`. */
  auth?: [string, string] | { username: string; password: string };
  /** `wsgi.errors`; the process's stderr by default. */
  errorsStream?: ErrorStream;
  /** Keys put in the environ before the builder's own. */
  environBase?: Record<string, unknown>;
  /** Keys put in the environ after the builder's own (they win). */
  environOverrides?: Record<string, unknown>;
  /** `wsgi.multithread`. */
  multithread?: boolean;
  /** `wsgi.multiprocess`. */
  multiprocess?: boolean;
  /** `wsgi.run_once`. */
  runOnce?: boolean;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** Text as a latin-1 string of its UTF-8 bytes, as the environ holds a raw query. */
function textToLatin1(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 0x80) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (const b of encoder.encode(s.slice(i))) out += String.fromCharCode(b);
  return out;
}

function isFileValue(value: unknown): boolean {
  return value instanceof Blob || value instanceof Uint8Array ||
    (typeof value === "object" && value !== null && "data" in value);
}

function* formPairs(init: FormInit): Generator<[string, MultipartValue]> {
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const [k, v] of init as Iterable<readonly [string, MultipartValue]>) yield [k, v];
    return;
  }
  for (const [k, v] of Object.entries(init)) {
    if (Array.isArray(v)) { for (const item of v) yield [k, item as MultipartValue]; }
    else yield [k, v as MultipartValue];
  }
}

function splitBaseUrl(baseUrl: string): { scheme: "http" | "https"; host: string; root: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(.*)$/.exec(baseUrl);
  if (!m) {
    throw new TypeError(`Invalid base URL ${JSON.stringify(baseUrl)}: expected scheme://host/path`);
  }
  if (m[4]) {
    throw new TypeError("The base URL must not contain a query string or fragment");
  }
  const scheme = m[1]!.toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    throw new TypeError(
      `Invalid base URL scheme ${JSON.stringify(scheme)}: expected http or https`,
    );
  }
  return { scheme, host: m[2]!, root: iriToUri(m[3]!).replace(/\/+$/, "") };
}

/**
 * Builds environs for in-process requests, as Werkzeug's `EnvironBuilder`. The default
 * URL is `http://localhost/`; each `getEnviron()` call gives a fresh environ whose
 * `wsgi.input` reads the body from the start.
 *
 * @example A JSON POST
 * ```ts
 * import { EnvironBuilder } from "@phial/phial";
 * const environ = new EnvironBuilder("/items?page=2", {
 *   method: "POST",
 *   json: { name: "pen" },
 * }).getEnviron();
 * environ.PATH_INFO; // "/items"
 * environ.QUERY_STRING; // "page=2"
 * environ.CONTENT_TYPE; // "application/json"
 * ```
 */
export class EnvironBuilder {
  /** The server protocol put in the environ. */
  serverProtocol: string = "HTTP/1.1";
  /** The path, as an IRI (percent-escapes kept, decoded into `PATH_INFO`). */
  path: string;
  /** The mount point (`SCRIPT_NAME`, before decoding), without a trailing slash. */
  scriptRoot: string;
  /** The host, with an optional port. */
  host: string;
  /** `http` or `https`. */
  urlScheme: "http" | "https";
  /** The request method. */
  method: string;
  /** The request headers (Content-Type and Content-Length included). */
  headers: Headers;
  /** Form fields (and files) to encode, when the body is not raw. */
  form: MultiDict<MultipartValue>;
  /** A raw body, sent as is (exclusive with `form`). */
  body: Uint8Array | Blob | null = null;
  /** A caller's `wsgi.input`, used as is. */
  inputStream: InputStream | null = null;
  /** `wsgi.errors`. */
  errorsStream: ErrorStream;
  /** Keys put in the environ before the builder's own. */
  environBase: Record<string, unknown> | undefined;
  /** Keys put in the environ after the builder's own. */
  environOverrides: Record<string, unknown> | undefined;
  /** `wsgi.multithread`. */
  multithread: boolean;
  /** `wsgi.multiprocess`. */
  multiprocess: boolean;
  /** `wsgi.run_once`. */
  runOnce: boolean;
  #queryString = "";

  /**
   * Starts a request description.
   *
   * @param path The path, optionally with `?query` (or an absolute URL, whose scheme and
   *   host become the defaults).
   * @param options See {@linkcode EnvironBuilderOptions}.
   */
  constructor(path: string = "/", options: EnvironBuilderOptions = {}) {
    const query = options.query ?? options.queryString;
    let target = path;
    const hash = target.indexOf("#");
    if (hash >= 0) target = target.slice(0, hash);
    let base = { scheme: "http" as "http" | "https", host: "localhost", root: "" };
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
    if (absolute) {
      base = splitBaseUrl(absolute[0]);
      target = target.slice(absolute[0].length) || "/";
    }
    if (options.baseUrl !== undefined) base = splitBaseUrl(options.baseUrl);
    this.urlScheme = options.urlScheme ?? options.scheme ?? base.scheme;
    this.host = options.host ?? base.host;
    this.scriptRoot = base.root;
    const q = target.indexOf("?");
    if (q >= 0) {
      if (query !== undefined) {
        throw new TypeError("The query string is given both in the path and as an option");
      }
      this.#queryString = target.slice(q + 1);
      target = target.slice(0, q);
    } else if (query !== undefined) {
      this.queryString = query;
    }
    this.path = iriToUri(target);
    this.method = options.method ?? "GET";
    this.headers = options.headers instanceof Headers
      ? options.headers
      : new Headers(options.headers);
    if (options.contentType !== undefined) this.headers.set("Content-Type", options.contentType);
    this.errorsStream = options.errorsStream ?? stderrErrors;
    this.environBase = options.environBase;
    this.environOverrides = options.environOverrides;
    this.multithread = options.multithread ?? false;
    this.multiprocess = options.multiprocess ?? false;
    this.runOnce = options.runOnce ?? false;
    this.form = new MultiDict<MultipartValue>();
    if (options.inputStream) this.inputStream = options.inputStream;
    if (options.contentLength !== undefined) this.contentLength = options.contentLength;
    if (options.auth !== undefined) {
      const [user, password] = Array.isArray(options.auth)
        ? options.auth
        : [options.auth.username, options.auth.password];
      this.headers.set(
        "Authorization",
        new Authorization("basic", { username: user, password }).toHeader(),
      );
    }
    let data = options.data;
    if (options.json !== undefined) {
      if (data !== undefined) throw new TypeError("Cannot give both json and data");
      const text = JSON.stringify(options.json);
      if (text === undefined) throw new TypeError("The json value cannot be serialized");
      data = text;
      if (!this.headers.has("content-type")) this.headers.set("Content-Type", "application/json");
    }
    if (data !== undefined && data !== null) {
      if (options.inputStream) throw new TypeError("Cannot give both an input stream and data");
      if (typeof data === "string") this.body = encoder.encode(data);
      else if (data instanceof Uint8Array || data instanceof Blob) this.body = data;
      else if (data instanceof ArrayBuffer) this.body = new Uint8Array(data);
      else for (const [k, v] of formPairs(data)) this.form.add(k, v);
    }
    if (options.form) { for (const [k, v] of formPairs(options.form)) this.form.add(k, v); }
    if (options.files) {
      for (const [k, v] of formPairs(options.files)) {
        if (!isFileValue(v)) {
          throw new TypeError(
            `Invalid file for ${
              JSON.stringify(k)
            }: expected a File, a Blob, bytes or { data, filename, contentType }`,
          );
        }
        this.form.add(k, v);
      }
    }
    if (this.form.size > 0 && (this.body !== null || this.inputStream !== null)) {
      throw new TypeError("Cannot give form fields or files together with a raw body");
    }
    if (options.mimetype !== undefined) this.mimetype = options.mimetype;
  }

  /**
   * A builder from an existing environ (Werkzeug's `from_environ`); `options` override
   * what the environ says.
   */
  static fromEnviron(environ: Environ, options: EnvironBuilderOptions = {}): EnvironBuilder {
    const headers = new Headers();
    for (const [name, value] of Headers.fromEnviron(environ)) {
      const lower = name.toLowerCase();
      if (lower !== "host" && lower !== "content-type" && lower !== "content-length") {
        headers.add(name, value);
      }
    }
    const scheme = environ["wsgi.url_scheme"];
    const host = environ.HTTP_HOST ?? `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
    const builder = new EnvironBuilder(
      urlQuote(environ.PATH_INFO || "/", "/!$&'()*+,:;=@~"),
      {
        baseUrl: `${scheme}://${host}${urlQuote(environ.SCRIPT_NAME, "/!$&'()*+,:;=@~")}`,
        query: latin1ToText(environ.QUERY_STRING),
        method: environ.REQUEST_METHOD,
        inputStream: environ["wsgi.input"],
        headers,
        errorsStream: environ["wsgi.errors"],
        multithread: environ["wsgi.multithread"],
        multiprocess: environ["wsgi.multiprocess"],
        runOnce: environ["wsgi.run_once"],
        ...(environ.CONTENT_TYPE ? { contentType: environ.CONTENT_TYPE } : {}),
        ...(environ.CONTENT_LENGTH && /^\d+$/.test(environ.CONTENT_LENGTH)
          ? { contentLength: Number(environ.CONTENT_LENGTH) }
          : {}),
        ...options,
      },
    );
    return builder;
  }

  /** A copy of this builder (headers and form copied; the body shared). */
  copy(): EnvironBuilder {
    const out = new EnvironBuilder();
    Object.assign(out, this);
    out.#queryString = this.#queryString;
    out.headers = this.headers.copy();
    out.form = this.form.copy();
    return out;
  }

  /** The query string, without `?`; settable from a string, a record, pairs or a MultiDict. */
  get queryString(): string {
    return this.#queryString;
  }
  set queryString(value: QueryInit) {
    this.#queryString = typeof value === "string" ? value : urlEncode(value);
  }

  /** The query as a `MultiDict` (a parsed copy). */
  get args(): MultiDict<string> {
    return new MultiDict<string>(parseQueryPairs(this.#queryString));
  }
  set args(value: MultiDictInit<string>) {
    this.#queryString = urlEncode(value as Iterable<readonly [string, unknown]>);
  }

  /** `scheme://host/script-root/`; setting it replaces all three. */
  get baseUrl(): string {
    return `${this.urlScheme}://${this.host}${this.scriptRoot}/`;
  }
  set baseUrl(value: string) {
    const base = splitBaseUrl(value);
    this.urlScheme = base.scheme;
    this.host = base.host;
    this.scriptRoot = base.root;
  }

  /** The host without its port. */
  get serverName(): string {
    const host = this.host;
    if (host.startsWith("[")) {
      const end = host.indexOf("]");
      return end < 0 ? host : host.slice(0, end + 1);
    }
    const colon = host.indexOf(":");
    return colon < 0 ? host : host.slice(0, colon);
  }

  /** The port from the host, or the scheme's default. */
  get serverPort(): number {
    const rest = this.host.slice(this.serverName.length);
    if (rest.startsWith(":") && /^\d+$/.test(rest.slice(1))) return Number(rest.slice(1));
    return this.urlScheme === "https" ? 443 : 80;
  }

  /**
   * The Content-Type: the header, or else `multipart/form-data` when there are files,
   * `application/x-www-form-urlencoded` when there are form fields, or `null`.
   */
  get contentType(): string | null {
    const ct = this.headers.get("content-type");
    if (ct !== undefined) return ct;
    if (this.body !== null || this.inputStream !== null) return null;
    for (const [, value] of this.form) {
      if (isFileValue(value)) return "multipart/form-data";
    }
    return this.form.size > 0 ? "application/x-www-form-urlencoded" : null;
  }
  set contentType(value: string | null) {
    if (value === null) this.headers.remove("Content-Type");
    else this.headers.set("Content-Type", value);
  }

  /** The mimetype: the Content-Type without parameters. */
  get mimetype(): string | null {
    const ct = this.contentType;
    if (ct === null) return null;
    const semi = ct.indexOf(";");
    return (semi < 0 ? ct : ct.slice(0, semi)).trim();
  }
  set mimetype(value: string) {
    this.contentType = getContentType(value);
  }

  /** The Content-Length header as a number, or `null`; settable. */
  get contentLength(): number | null {
    const v = this.headers.get("content-length");
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  }
  set contentLength(value: number | null) {
    if (value === null) this.headers.remove("Content-Length");
    else this.headers.set("Content-Length", String(value));
  }

  /** Drops the body (raw bytes, input stream and form), as a redirect to GET does. */
  clearBody(): void {
    this.body = null;
    this.inputStream = null;
    this.form = new MultiDict<MultipartValue>();
  }

  /** A `Request` over a fresh environ (Werkzeug's `get_request`). */
  getRequest(options?: RequestOptions): Request {
    return new Request(this.getEnviron(), options);
  }

  /** Builds the environ; its `wsgi.input` is fresh on every call. */
  getEnviron(): Environ {
    let input: InputStream;
    let contentLength: number | null = this.contentLength;
    let contentType = this.contentType;
    const mimetype = this.mimetype;
    if (this.inputStream !== null) {
      input = this.inputStream;
    } else if (this.body !== null) {
      const body = this.body;
      if (body instanceof Blob) {
        input = blobInput([body]);
        contentLength = body.size;
      } else {
        input = bytesInput(body);
        contentLength = body.byteLength;
      }
    } else if (mimetype === "multipart/form-data") {
      const encoded = streamEncodeMultipart(this.form);
      input = blobInput(encoded.parts);
      contentLength = encoded.length;
      contentType = `${mimetype}; boundary="${encoded.boundary}"`;
    } else if (mimetype === "application/x-www-form-urlencoded") {
      const pairs: [string, string][] = [];
      for (const [k, v] of this.form) {
        if (isFileValue(v)) {
          throw new TypeError(
            `Cannot send the file ${JSON.stringify(k)} urlencoded: use multipart/form-data`,
          );
        }
        pairs.push([k, String(v)]);
      }
      const bytes = encoder.encode(urlEncode(pairs));
      input = bytesInput(bytes);
      contentLength = bytes.byteLength;
    } else {
      input = bytesInput(EMPTY);
    }
    const queryString = textToLatin1(this.#queryString);
    const requestUri = this.scriptRoot + this.path + (queryString ? `?${queryString}` : "");
    const environ: Environ = {
      ...this.environBase,
      REQUEST_METHOD: this.method,
      SCRIPT_NAME: urlUnquote(this.scriptRoot),
      PATH_INFO: urlUnquote(this.path),
      QUERY_STRING: queryString,
      REQUEST_URI: requestUri,
      RAW_URI: requestUri,
      SERVER_NAME: this.serverName,
      SERVER_PORT: String(this.serverPort),
      HTTP_HOST: this.host,
      SERVER_PROTOCOL: this.serverProtocol,
      "wsgi.version": [1, 0],
      "wsgi.url_scheme": this.urlScheme,
      "wsgi.input": input,
      "wsgi.errors": this.errorsStream,
      "wsgi.multithread": this.multithread,
      "wsgi.multiprocess": this.multiprocess,
      "wsgi.run_once": this.runOnce,
      "wsgi.input_terminated": true,
    };
    if (contentType !== null) environ.CONTENT_TYPE = contentType;
    if (contentLength !== null) environ.CONTENT_LENGTH = String(contentLength);
    // A header replaces the builder's own key (a Host header wins over the default host);
    // repeated headers are joined.
    const fromHeaders = new Set<string>();
    for (const [name, value] of this.headers) {
      const key = `HTTP_${name.toUpperCase().replaceAll("-", "_")}` as const;
      if (key === "HTTP_CONTENT_TYPE" || key === "HTTP_CONTENT_LENGTH") continue;
      if (!fromHeaders.has(key)) {
        fromHeaders.add(key);
        environ[key] = value;
      } else {
        environ[key] = `${environ[key]}${key === "HTTP_COOKIE" ? "; " : ", "}${value}`;
      }
    }
    if (this.environOverrides) Object.assign(environ, this.environOverrides);
    return environ;
  }
}

/** An input reading byte arrays and Blobs in order, each Blob only when reached. */
function blobInput(parts: (Uint8Array | Blob)[]): InputStream {
  if (parts.every((p) => p instanceof Uint8Array)) {
    return bytesInput(concatBytes(parts as Uint8Array[]));
  }
  let i = 0;
  return new BodyInput(async () => {
    while (i < parts.length) {
      const part = parts[i++]!;
      const bytes = part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
      if (bytes.byteLength > 0) return bytes;
    }
    return null;
  });
}
