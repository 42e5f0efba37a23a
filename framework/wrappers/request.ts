/**
 * `Request`: Werkzeug's request wrapper over a gateway environ. Everything is computed
 * lazily on first access and cached; body access is async, as in Quart
 * (`await request.form`, `await request.getJson()`).
 *
 * @module
 */
import type {
  AppObject,
  Body,
  Environ,
  InputStream,
  StartResponse,
  WsgiApp,
} from "../gateway/types.ts";
import { bytesInput } from "../gateway/input_stream.ts";
import {
  type Accept,
  CharsetAccept,
  LanguageAccept,
  MIMEAccept,
  parseAcceptHeader,
} from "../http/accept.ts";
import { Authorization } from "../http/authorization.ts";
import { parseCacheControlHeader, RequestCacheControl } from "../http/cache_control.ts";
import { parseCookie } from "../http/cookies.ts";
import { parseDate } from "../http/dates.ts";
import {
  BadRequest,
  HTTPException,
  RequestEntityTooLarge,
  SecurityError,
  UnsupportedMediaType,
} from "../http/exceptions.ts";
import { type ETags, parseEtags } from "../http/etags.ts";
import { EnvironHeaders, type Headers } from "../http/headers.ts";
import { isWellFormedHost, stripDefaultPort } from "../http/host.ts";
import { parseListHeader, parseOptionsHeader } from "../http/header_values.ts";
import { pyInt } from "../http/python_text.ts";
import { type HeaderSet, parseSetHeader } from "../http/header_set.ts";
import { MultiDict } from "../http/multi_dict.ts";
import { type IfRange, parseIfRangeHeader, parseRangeHeader, type Range } from "../http/range.ts";
import { latin1ToText, unquoteExcept, urlDecodeQuery, urlQuote } from "../http/urls.ts";
import { EnvironBuilder, type EnvironBuilderOptions } from "./environ_builder.ts";
import type { FileStorage } from "./file_storage.ts";
import { FormDataParser } from "./form_parser.ts";
import { withClose } from "./response_body.ts";

/** Options of {@linkcode Request}: Flask's / Werkzeug's limits. */
export interface RequestOptions {
  /** The most body bytes read; more is a 413 (`null`: no limit, the default). */
  maxContentLength?: number | null;
  /** The most bytes of non-file form data; more is a 413 (default 500 000). */
  maxFormMemorySize?: number | null;
  /** The most multipart parts; more is a 413 (default 1000). */
  maxFormParts?: number | null;
  /** Host names accepted in `Host` (a leading `.` matches subdomains); others are 400. */
  trustedHosts?: string[] | null;
  /** What parses the body in `getJson` (Werkzeug's `json_module`); UTF-8 `JSON.parse` by default. */
  jsonModule?: JSONModule;
}

/**
 * What `Request.getJson` parses the body with (Werkzeug's `json_module`): an application
 * passes its JSON provider (Flask's `app.json`), whose `loads` takes the body's bytes.
 */
export interface JSONModule {
  /** Parses JSON bytes; throws on malformed input. */
  loads(data: Uint8Array): unknown;
}

/** Options of {@linkcode Request.getData}. */
export interface GetDataOptions {
  /** Keep the bytes so later calls (and form parsing) see them (default true). */
  cache?: boolean;
  /** Decode as UTF-8 (invalid bytes become U+FFFD). */
  asText?: boolean;
  /** Parse form data first: a form body then gives empty data (Werkzeug's `data`). */
  parseFormData?: boolean;
}

/** Options of {@linkcode Request.getJson}. */
export interface GetJsonOptions {
  /** Parse even when the content type is not JSON. */
  force?: boolean;
  /** Give `null` instead of throwing on a wrong content type or malformed JSON. */
  silent?: boolean;
  /** Remember the result for later calls (default true). */
  cache?: boolean;
}

const UNSET: unique symbol = Symbol("unset");
const EMPTY = new Uint8Array(0);
const textDecoder = new TextDecoder();
const jsonDecoder = new TextDecoder("utf-8", { fatal: true });
const DEFAULT_JSON_MODULE: JSONModule = Object.freeze({
  loads: (data: Uint8Array): unknown => JSON.parse(jsonDecoder.decode(data)),
});
const PLAIN_INT_RE = /^-?\d+$/;
// What stays percent-encoded in an IRI (Werkzeug's uri_to_iri): controls, space, "%",
// DEL, and per part the reserved delimiters.
const ALWAYS_UNSAFE = (() => {
  let s = "%\x7f";
  for (let c = 0; c <= 0x20; c++) s += String.fromCharCode(c);
  return s;
})();
const PATH_KEEP = ALWAYS_UNSAFE + "/?#";
const QUERY_KEEP = ALWAYS_UNSAFE + "&=+#";
const PATH_SAFE = "!$&'()*+,/:;=@%";
const QUERY_SAFE = "!$&'()*+,/:;=?@%";

/**
 * A request over a gateway environ (Werkzeug's `Request`, Flask's `request`).
 *
 * @example A gateway app that reads a form
 * ```ts
 * import { Request, type WsgiApp } from "@phial/phial";
 * const app: WsgiApp = async (environ, startResponse) => {
 *   const request = new Request(environ, { maxContentLength: 1 << 20 });
 *   const name = (await request.form).get("name") ?? request.args.get("name") ?? "world";
 *   startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
 *   return [`Hello, ${name}!`];
 * };
 * ```
 */
export class Request {
  /** The gateway environ this request reads. */
  readonly environ: Environ;
  /** The most body bytes read; more is a 413. */
  maxContentLength: number | null;
  /** The most bytes of non-file form data; more is a 413. */
  maxFormMemorySize: number | null;
  /** The most multipart parts; more is a 413. */
  maxFormParts: number | null;
  /** Host names accepted in `Host`; `null` accepts any well-formed host. */
  trustedHosts: string[] | null;
  /** What `getJson` parses the body with (an application sets its JSON provider). */
  jsonModule: JSONModule;
  /** The matched endpoint (set by the application's routing). */
  endpoint: string | null = null;
  /** The matched URL values (set by the application's routing). */
  viewArgs: Record<string, unknown> | null = null;
  /** The matched rule (set by the application's routing). */
  urlRule: unknown = null;
  /** The routing error (404, 405, redirect) if matching failed. */
  routingException: Error | null = null;

  #cache: Map<string, unknown> | undefined;
  #args: MultiDict<string> | undefined;
  #stream: InputStream | undefined;
  #cachedData: Uint8Array | undefined;
  #formPromise: Promise<{ form: MultiDict<string>; files: MultiDict<FileStorage> }> | undefined;
  #cachedJson: [unknown, unknown] = [UNSET, UNSET];

  /**
   * Turns `(request) => response` into a gateway app (Werkzeug's `Request.application`):
   * each call wraps the environ in a `Request`, runs `handler`, answers an
   * `HTTPException` with its error response, and closes the request (removing spilled
   * uploads) when the response body is done.
   *
   * @example
   * ```ts
   * import { Request, Response } from "@phial/phial";
   * const app = Request.application(async (request) =>
   *   new Response(`Hello ${(await request.form).get("name") ?? "world"}`)
   * );
   * ```
   *
   * @param handler Gives the response: any app object (a phial `Response`, a `WsgiApp`).
   * @param options The limits each request gets.
   * @returns The gateway app.
   */
  static application(
    handler: (request: Request) => AppObject | Promise<AppObject>,
    options?: RequestOptions,
  ): WsgiApp {
    return async (environ: Environ, startResponse: StartResponse): Promise<Body> => {
      const request = new Request(environ, options);
      let response: AppObject;
      try {
        response = await handler(request);
      } catch (error) {
        if (!(error instanceof HTTPException)) {
          await request.close();
          throw error;
        }
        response = error.getResponse(environ);
      }
      let body: Body;
      try {
        body = await (typeof response === "function"
          ? response(environ, startResponse)
          : response.wsgiApp(environ, startResponse));
      } catch (error) {
        await request.close();
        throw error;
      }
      return closingBody(body, () => request.close());
    };
  }

  /**
   * Builds a request from the values an {@linkcode EnvironBuilder} takes (Werkzeug's
   * `Request.from_values`): handy in small scripts; tests are better served by the test
   * client. Called on a subclass, it gives an instance of that subclass.
   *
   * @example A POST with a form
   * ```ts
   * import { Request } from "@phial/phial";
   * const request = Request.fromValues("/search?q=deno", {
   *   method: "POST",
   *   form: { page: "2" },
   *   baseUrl: "http://example.com/app",
   * });
   * request.url; // "http://example.com/app/search?q=deno"
   * (await request.form).get("page"); // "2"
   * ```
   *
   * @param path The path, with an optional query string, or a full URL.
   * @param options What `new EnvironBuilder(path, options)` takes.
   * @param requestOptions The request's limits (`maxContentLength`, …).
   * @returns A request over the built environ.
   */
  static fromValues<T extends Request>(
    this: new (environ: Environ, options?: RequestOptions) => T,
    path: string = "/",
    options: EnvironBuilderOptions = {},
    requestOptions?: RequestOptions,
  ): T {
    return new this(new EnvironBuilder(path, options).getEnviron(), requestOptions);
  }

  /**
   * Wraps an environ; nothing is parsed until it is asked for.
   *
   * @param environ The gateway environ.
   * @param options `maxContentLength`, `maxFormMemorySize`, `maxFormParts`, `trustedHosts`,
   *   `jsonModule`.
   */
  constructor(environ: Environ, options?: RequestOptions) {
    if (typeof environ !== "object" || environ === null) {
      throw new TypeError("Request() takes a gateway environ object");
    }
    this.environ = environ;
    this.maxContentLength = options?.maxContentLength ?? null;
    this.maxFormMemorySize = options?.maxFormMemorySize === undefined
      ? 500_000
      : options.maxFormMemorySize;
    this.maxFormParts = options?.maxFormParts === undefined ? 1000 : options.maxFormParts;
    this.trustedHosts = options?.trustedHosts ?? null;
    this.jsonModule = options?.jsonModule ?? DEFAULT_JSON_MODULE;
  }

  #cached<T>(key: string, compute: () => T): T {
    const cache = this.#cache ??= new Map();
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute();
    cache.set(key, value);
    return value;
  }

  #str(key: string): string | undefined {
    const value = this.environ[key];
    return typeof value === "string" ? value : undefined;
  }

  // ---- URL ----------------------------------------------------------------------------

  /** The method, uppercased (`"GET"` if the environ has none). */
  get method(): string {
    return this.#cached("method", () => (this.#str("REQUEST_METHOD") ?? "GET").toUpperCase());
  }

  /** The URL scheme: `"http"` or `"https"` (from `wsgi.url_scheme`). */
  get scheme(): string {
    return this.#str("wsgi.url_scheme") ?? "http";
  }

  /** Whether the request came over a secure protocol (`https` or `wss`). */
  get isSecure(): boolean {
    const scheme = this.scheme;
    return scheme === "https" || scheme === "wss";
  }

  /** The server's address `[SERVER_NAME, port]` (port `null` for a Unix socket), or null. */
  get server(): [string, number | null] | null {
    const name = this.#str("SERVER_NAME");
    if (name === undefined) return null;
    const port = this.#str("SERVER_PORT");
    return [name, port !== undefined && PLAIN_INT_RE.test(port.trim()) ? Number(port) : null];
  }

  /** The prefix the app is mounted under (`SCRIPT_NAME`), without a trailing slash. */
  get rootPath(): string {
    return this.#cached("rootPath", () => (this.#str("SCRIPT_NAME") ?? "").replace(/\/+$/, ""));
  }

  /** Alias of {@linkcode rootPath} (Werkzeug's `script_root`). */
  get scriptRoot(): string {
    return this.rootPath;
  }

  /** The path after the root path (decoded `PATH_INFO`), always starting with `/`. */
  get path(): string {
    return this.#cached("path", () => "/" + (this.#str("PATH_INFO") ?? "").replace(/^\/+/, ""));
  }

  /** The raw query string (`QUERY_STRING`, undecoded, without `?`). */
  get queryString(): string {
    return this.#str("QUERY_STRING") ?? "";
  }

  /** The path and the query string, always with `?` (Werkzeug's `full_path`). */
  get fullPath(): string {
    return this.#cached("fullPath", () => `${this.path}?${latin1ToText(this.queryString)}`);
  }

  /**
   * The host the request was made to, with the port if it is not the scheme's default:
   * the `Host` header, else `SERVER_NAME:SERVER_PORT`; `""` when missing or malformed.
   * With `trustedHosts` set, an untrusted host is a 400 (`SecurityError`).
   */
  get host(): string {
    return this.#cached("host", () => this.#computeHost());
  }

  #computeHost(): string {
    let host = this.#str("HTTP_HOST");
    if (host === undefined) {
      const server = this.server;
      if (server === null || server[1] === null) return "";
      let name = server[0];
      if (name.includes(":") && name[0] !== "[") name = `[${name}]`;
      host = `${name}:${server[1]}`;
    }
    host = stripDefaultPort(host, this.scheme);
    if (!hostIsTrusted(host, this.trustedHosts)) {
      if (this.trustedHosts !== null && this.trustedHosts.length > 0) {
        throw new SecurityError(`Host ${JSON.stringify(host)} is not trusted.`);
      }
      return "";
    }
    return host;
  }

  /** The full URL (an IRI: non-ASCII text unquoted), with the query string. */
  get url(): string {
    return this.#cached("url", () => this.#currentUrl(true, true, true));
  }

  /** Like {@linkcode url}, without the query string. */
  get baseUrl(): string {
    return this.#cached("baseUrl", () => this.#currentUrl(true, true, false));
  }

  /** Scheme, host and root path, with a trailing slash. */
  get rootUrl(): string {
    return this.#cached("rootUrl", () => this.#currentUrl(true, false, false));
  }

  /** Alias of {@linkcode rootUrl} (Werkzeug's `url_root`). */
  get urlRoot(): string {
    return this.rootUrl;
  }

  /** Scheme and host only, with a trailing slash. */
  get hostUrl(): string {
    return this.#cached("hostUrl", () => this.#currentUrl(false, false, false));
  }

  #currentUrl(withRoot: boolean, withPath: boolean, withQuery: boolean): string {
    let url = `${this.scheme}://${iriHost(this.host)}`;
    if (withRoot) url += unquoteExcept(urlQuote(this.rootPath, PATH_SAFE), PATH_KEEP);
    url += "/";
    if (withPath) {
      url += unquoteExcept(urlQuote(this.path.replace(/^\/+/, ""), PATH_SAFE), PATH_KEEP);
      const qs = this.queryString;
      if (withQuery && qs !== "") url += "?" + unquoteExcept(quoteLatin1(qs), QUERY_KEEP);
    }
    return url;
  }

  /** The parsed query string (parsed on first access only). */
  get args(): MultiDict<string> {
    return this.#args ??= urlDecodeQuery(this.queryString);
  }

  // ---- Headers ------------------------------------------------------------------------

  /** The request headers, a read-only view over the environ. */
  get headers(): Headers {
    return this.#cached("headers", () => new EnvironHeaders(this.environ));
  }

  /** The cookies the client sent. */
  get cookies(): MultiDict<string> {
    return this.#cached("cookies", () => parseCookie(this.#str("HTTP_COOKIE")));
  }

  /** The client's address (`REMOTE_ADDR`). */
  get remoteAddr(): string | null {
    return this.#str("REMOTE_ADDR") ?? null;
  }

  /** The user the server authenticated (`REMOTE_USER`), or `null`. */
  get remoteUser(): string | null {
    return this.#str("REMOTE_USER") ?? null;
  }

  /** Whether the server runs the app in several threads (`wsgi.multithread`; `null` if unset). */
  get isMultithread(): boolean | null {
    return this.#flag("wsgi.multithread");
  }

  /** Whether the server runs the app in several processes (`wsgi.multiprocess`; `null` if unset). */
  get isMultiprocess(): boolean | null {
    return this.#flag("wsgi.multiprocess");
  }

  /** Whether the app runs once per process, as under CGI (`wsgi.run_once`; `null` if unset). */
  get isRunOnce(): boolean | null {
    return this.#flag("wsgi.run_once");
  }

  #flag(key: string): boolean | null {
    const value = this.environ[key];
    return value === undefined || value === null ? null : Boolean(value);
  }

  /** The addresses from `X-Forwarded-For`, or `[remoteAddr]`. */
  get accessRoute(): string[] {
    return this.#cached("accessRoute", () => {
      const forwarded = this.#str("HTTP_X_FORWARDED_FOR");
      if (forwarded !== undefined) return parseListHeader(forwarded);
      const addr = this.remoteAddr;
      return addr === null ? [] : [addr];
    });
  }

  /** The `Content-Type` header, if sent. */
  get contentType(): string | null {
    return this.#str("CONTENT_TYPE") || null;
  }

  /**
   * The `Content-Length` as a number: `null` when absent or with chunked
   * `Transfer-Encoding`, `0` when not a plain non-negative integer.
   */
  get contentLength(): number | null {
    return this.#cached("contentLength", () => {
      const te = this.#str("HTTP_TRANSFER_ENCODING");
      const cl = this.#str("CONTENT_LENGTH");
      if (te !== undefined && parseListHeader(te).some((v) => v.toLowerCase() === "chunked")) {
        return null;
      }
      if (cl === undefined || cl === "") return null;
      const trimmed = cl.trim();
      if (!PLAIN_INT_RE.test(trimmed)) return 0;
      return Math.max(0, Number(trimmed));
    });
  }

  #parsedContentType(): [string, Record<string, string>] {
    return this.#cached("parsedContentType", () => parseOptionsHeader(this.contentType ?? ""));
  }

  /** The content type without parameters, lowercased (`""` if none). */
  get mimetype(): string {
    return this.#parsedContentType()[0].toLowerCase();
  }

  /** The content type's parameters, e.g. `{ charset: "utf-8" }`. */
  get mimetypeParams(): Record<string, string> {
    return this.#parsedContentType()[1];
  }

  /** Whether the mimetype is `application/json` or `application/*+json`. */
  get isJson(): boolean {
    const mt = this.mimetype;
    return mt === "application/json" || (mt.startsWith("application/") && mt.endsWith("+json"));
  }

  /** The `Content-Encoding` header, if sent. */
  get contentEncoding(): string | null {
    return this.#str("HTTP_CONTENT_ENCODING") ?? null;
  }

  /** The `Content-MD5` header, if sent. */
  get contentMd5(): string | null {
    return this.#str("HTTP_CONTENT_MD5") ?? null;
  }

  /** The `Referer` header, if sent. */
  get referrer(): string | null {
    return this.#str("HTTP_REFERER") ?? null;
  }

  /** The `Origin` header, if sent. */
  get origin(): string | null {
    return this.#str("HTTP_ORIGIN") ?? null;
  }

  /** The `User-Agent` header (`""` if not sent). */
  get userAgent(): string {
    return this.#str("HTTP_USER_AGENT") ?? "";
  }

  /** The `Accept` header, parsed. */
  get acceptMimetypes(): MIMEAccept {
    return this.#cached(
      "acceptMimetypes",
      () => parseAcceptHeader(this.#str("HTTP_ACCEPT"), MIMEAccept),
    );
  }

  /** The `Accept-Charset` header, parsed. */
  get acceptCharsets(): CharsetAccept {
    return this.#cached(
      "acceptCharsets",
      () => parseAcceptHeader(this.#str("HTTP_ACCEPT_CHARSET"), CharsetAccept),
    );
  }

  /** The `Accept-Encoding` header, parsed. */
  get acceptEncodings(): Accept {
    return this.#cached(
      "acceptEncodings",
      () => parseAcceptHeader(this.#str("HTTP_ACCEPT_ENCODING")),
    );
  }

  /** The `Accept-Language` header, parsed. */
  get acceptLanguages(): LanguageAccept {
    return this.#cached(
      "acceptLanguages",
      () => parseAcceptHeader(this.#str("HTTP_ACCEPT_LANGUAGE"), LanguageAccept),
    );
  }

  /** The `Authorization` header, parsed (`null` when absent or malformed Basic). */
  get authorization(): Authorization | null {
    return this.#cached(
      "authorization",
      () => Authorization.fromHeader(this.#str("HTTP_AUTHORIZATION")),
    );
  }

  /** The `Cache-Control` header as a read-only {@linkcode RequestCacheControl}. */
  get cacheControl(): RequestCacheControl {
    return this.#cached(
      "cacheControl",
      () => parseCacheControlHeader(this.#str("HTTP_CACHE_CONTROL"), null, RequestCacheControl),
    );
  }

  /** The `Pragma` header as a {@linkcode HeaderSet} (empty when absent). */
  get pragma(): HeaderSet {
    return this.#cached("pragma", () => parseSetHeader(this.#str("HTTP_PRAGMA") ?? ""));
  }

  /** `Max-Forwards` as a number; `null` when absent or not an integer. */
  get maxForwards(): number | null {
    const value = this.#str("HTTP_MAX_FORWARDS");
    return value === undefined ? null : pyInt(value) ?? null;
  }

  /** The preflight's `Access-Control-Request-Headers` as a {@linkcode HeaderSet}, or `null`. */
  get accessControlRequestHeaders(): HeaderSet | null {
    const value = this.#str("HTTP_ACCESS_CONTROL_REQUEST_HEADERS");
    return value === undefined ? null : parseSetHeader(value);
  }

  /** The preflight's `Access-Control-Request-Method`, or `null`. */
  get accessControlRequestMethod(): string | null {
    return this.#str("HTTP_ACCESS_CONTROL_REQUEST_METHOD") ?? null;
  }

  /** The entity tags of `If-Match` (empty when absent). */
  get ifMatch(): ETags {
    return this.#cached("ifMatch", () => parseEtags(this.#str("HTTP_IF_MATCH")));
  }

  /** The entity tags of `If-None-Match` (empty when absent). */
  get ifNoneMatch(): ETags {
    return this.#cached("ifNoneMatch", () => parseEtags(this.#str("HTTP_IF_NONE_MATCH")));
  }

  /** The `Range` header, parsed; `null` when absent or malformed. */
  get range(): Range | null {
    return this.#cached("range", () => parseRangeHeader(this.#str("HTTP_RANGE")));
  }

  /** The `If-Range` header, parsed (an ETag or a date). */
  get ifRange(): IfRange {
    return this.#cached("ifRange", () => parseIfRangeHeader(this.#str("HTTP_IF_RANGE")));
  }

  /** `If-Modified-Since`, or `null` when absent or not a date. */
  get ifModifiedSince(): Date | null {
    return this.#cached("ifModifiedSince", () => parseDate(this.#str("HTTP_IF_MODIFIED_SINCE")));
  }

  /** `If-Unmodified-Since`, or `null` when absent or not a date. */
  get ifUnmodifiedSince(): Date | null {
    return this.#cached(
      "ifUnmodifiedSince",
      () => parseDate(this.#str("HTTP_IF_UNMODIFIED_SINCE")),
    );
  }

  /** The `Date` header, or `null`. */
  get date(): Date | null {
    return this.#cached("date", () => parseDate(this.#str("HTTP_DATE")));
  }

  // ---- Body ---------------------------------------------------------------------------

  /**
   * The body stream (`wsgi.input`), read once. With `maxContentLength` set, a declared
   * `Content-Length` above it is a 413 here, and reading past it is a 413.
   */
  get stream(): InputStream {
    if (this.#stream !== undefined) return this.#stream;
    const input = this.environ["wsgi.input"] as InputStream | undefined;
    const max = this.maxContentLength;
    const length = this.contentLength;
    if (length !== null && max !== null && length > max) throw new RequestEntityTooLarge();
    let stream: InputStream = input ?? bytesInput(EMPTY);
    if (max !== null) stream = new MaxLengthInput(stream, max);
    this.#stream = stream;
    return stream;
  }

  /** The raw `wsgi.input`, without the `maxContentLength` guard. */
  get inputStream(): InputStream {
    return (this.environ["wsgi.input"] as InputStream | undefined) ?? bytesInput(EMPTY);
  }

  /**
   * Reads the whole body (cached by default).
   *
   * @param options `cache`, `asText`, `parseFormData`.
   * @returns The bytes, or text with `asText`.
   */
  getData(options: GetDataOptions & { asText: true }): Promise<string>;
  /** Reads the whole body as bytes (cached by default). */
  getData(options?: GetDataOptions & { asText?: false }): Promise<Uint8Array>;
  /** Reads the whole body, as bytes or (with `asText`) text. */
  getData(options?: GetDataOptions): Promise<Uint8Array | string>;
  async getData(options?: GetDataOptions): Promise<Uint8Array | string> {
    let data = this.#cachedData;
    if (data === undefined) {
      if (options?.parseFormData) await this.#loadFormData();
      data = await this.stream.read();
      if (options?.cache ?? true) this.#cachedData = data;
    }
    return options?.asText ? textDecoder.decode(data) : data;
  }

  /** The body when it is not form data (form bodies give empty bytes); Werkzeug's `data`. */
  get data(): Promise<Uint8Array> {
    return this.getData({ parseFormData: true });
  }

  #loadFormData(): Promise<{ form: MultiDict<string>; files: MultiDict<FileStorage> }> {
    return this.#formPromise ??= this.#parseForm();
  }

  async #parseForm(): Promise<{ form: MultiDict<string>; files: MultiDict<FileStorage> }> {
    if (!this.contentType) {
      // Werkzeug touches the stream here, so a declared length over the limit is a 413.
      void this.stream;
      return { form: new MultiDict(), files: new MultiDict() };
    }
    const parser = new FormDataParser({
      maxFormMemorySize: this.maxFormMemorySize,
      maxFormParts: this.maxFormParts,
    });
    const cached = this.#cachedData;
    const stream = cached !== undefined ? bytesInput(cached) : this.stream;
    const { form, files } = await parser.parse(
      stream,
      this.mimetype,
      this.contentLength,
      this.mimetypeParams,
    );
    return { form, files };
  }

  /** The form fields of a urlencoded or multipart body: `await request.form`. */
  get form(): Promise<MultiDict<string>> {
    return this.#loadFormData().then((r) => r.form);
  }

  /** The uploaded files of a multipart body: `await request.files`. */
  get files(): Promise<MultiDict<FileStorage>> {
    return this.#loadFormData().then((r) => r.files);
  }

  /** `args` and, unless the method is GET, `form`, in one `MultiDict`. */
  get values(): Promise<MultiDict<string>> {
    return this.#cached("values", async () => {
      const values = new MultiDict<string>(this.args);
      if (this.method !== "GET") {
        for (const [key, value] of await this.form) values.add(key, value);
      }
      return values;
    });
  }

  /**
   * Parses the body as JSON with {@linkcode jsonModule}. A content type that is not JSON is
   * a 415 (unless `force`), malformed JSON a 400; with `silent` both give `null`.
   *
   * @param options `force`, `silent`, `cache`.
   * @returns The parsed value.
   */
  async getJson(options?: GetJsonOptions): Promise<unknown> {
    const force = options?.force ?? false;
    const silent = options?.silent ?? false;
    const cache = options?.cache ?? true;
    const slot = silent ? 1 : 0;
    if (cache && this.#cachedJson[slot] !== UNSET) return this.#cachedJson[slot];
    if (!(force || this.isJson)) {
      return silent ? null : this.onJsonLoadingFailed(null);
    }
    const data = await this.getData({ cache });
    let rv: unknown;
    try {
      rv = this.jsonModule.loads(data);
    } catch (error) {
      if (silent) {
        if (cache) this.#cachedJson[1] = null;
        return null;
      }
      rv = this.onJsonLoadingFailed(error as Error);
      if (cache) this.#cachedJson[0] = rv;
      return rv;
    }
    if (cache) this.#cachedJson = [rv, rv];
    return rv;
  }

  /** `await request.json`: {@linkcode getJson} with the defaults. */
  get json(): Promise<unknown> {
    return this.getJson();
  }

  /**
   * Called when `getJson` fails and is not silent: throws 400 `BadRequest` for malformed
   * JSON, 415 `UnsupportedMediaType` for a content type that is not JSON. Override to
   * return a value instead.
   *
   * @param error The parse error, or `null` for a wrong content type.
   * @returns A value to use instead (the default always throws).
   */
  onJsonLoadingFailed(error: Error | null): unknown {
    if (error !== null) throw new BadRequest(`Failed to decode JSON object: ${error.message}`);
    throw new UnsupportedMediaType(
      "Did not attempt to load JSON data because the request Content-Type was not " +
        "'application/json'.",
    );
  }

  /** Releases uploaded files (removes spilled temporary files). */
  close(): void | Promise<void> {
    const pending = this.#formPromise;
    // No form was parsed: nothing to release, and no promise to wait for.
    if (pending === undefined) return;
    return closeFiles(pending);
  }

  /** `<Request 'http://localhost/path' [GET]>`. */
  toString(): string {
    let url: string;
    try {
      url = this.url;
    } catch (error) {
      url = `(invalid URL: ${error})`;
    }
    return `<Request '${url}' [${this.method}]>`;
  }
}

/** Closes the uploaded files of a parsed form (a form that failed to parse has none). */
async function closeFiles(
  pending: Promise<{ form: MultiDict<string>; files: MultiDict<FileStorage> }>,
): Promise<void> {
  let files: MultiDict<FileStorage>;
  try {
    files = (await pending).files;
  } catch {
    return;
  }
  for (const [, file] of files) await file.close();
}

/** Wraps a body so that `onClose` runs after the body's own `close()`. */
function closingBody(body: Body, onClose: () => void | Promise<void>): Body {
  return withClose(body, async () => {
    try {
      await body.close?.();
    } finally {
      await onClose();
    }
  });
}

/** Werkzeug's `host_is_trusted`: well-formed, and in `trusted` when given. */
function hostIsTrusted(host: string, trusted: string[] | null): boolean {
  if (host === "" || !isWellFormedHost(host)) return false;
  if (trusted === null || trusted.length === 0) return true;
  const name = host.split(":")[0]!;
  for (let ref of trusted) {
    let suffix = false;
    if (ref.startsWith(".")) {
      ref = ref.slice(1);
      suffix = true;
    }
    ref = ref.split(":")[0]!;
    try {
      ref = new URL(`http://${ref}`).hostname;
    } catch {
      return false;
    }
    if (ref === name || (suffix && name.endsWith(`.${ref}`))) return true;
  }
  return false;
}

/** The host part of an IRI: lowercased, Punycode labels decoded. */
function iriHost(host: string): string {
  if (host === "") return "";
  let name = host;
  let port = "";
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    name = host.slice(0, end + 1);
    port = host.slice(end + 1);
  } else {
    const colon = host.indexOf(":");
    if (colon !== -1) {
      name = host.slice(0, colon);
      port = host.slice(colon);
    }
  }
  name = name.toLowerCase();
  if (name.includes("xn--")) name = name.split(".").map(decodePunycodeLabel).join(".");
  if (port !== "") {
    const n = Number(port.slice(1));
    port = port === ":" ? "" : `:${n}`;
  }
  return name + port;
}

/** Decodes one `xn--` label (RFC 3492); a label that does not decode is kept as is. */
function decodePunycodeLabel(label: string): string {
  if (!label.startsWith("xn--")) return label;
  const input = label.slice(4);
  const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
  const out: number[] = [];
  const delim = input.lastIndexOf("-");
  for (let i = 0; i < Math.max(delim, 0); i++) out.push(input.charCodeAt(i));
  let n = 128, i = 0, bias = 72;
  const digit = (c: number): number =>
    c >= 48 && c <= 57 ? c - 22 : c >= 97 && c <= 122 ? c - 97 : base;
  for (let pos = delim > 0 ? delim + 1 : 0; pos < input.length;) {
    const oldi = i;
    let w = 1;
    for (let k = base;; k += base) {
      if (pos >= input.length) return label;
      const d = digit(input.charCodeAt(pos++));
      if (d >= base) return label;
      i += d * w;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (d < t) break;
      w *= base - t;
      if (i > 0x10ffff * 64) return label;
    }
    const len = out.length + 1;
    let delta = oldi === 0 ? Math.floor((i - oldi) / damp) : (i - oldi) >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    while (delta > ((base - tMin) * tMax) >> 1) {
      delta = Math.floor(delta / (base - tMin));
      k += base;
    }
    bias = k + Math.floor(((base - tMin + 1) * delta) / (delta + skew));
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff) return label;
    out.splice(i, 0, n);
    i++;
  }
  try {
    return String.fromCodePoint(...out);
  } catch {
    return label;
  }
}

/** Percent-encodes a latin-1 byte string (each char one byte), keeping `safe`. */
function quoteLatin1(s: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 && c <= 0xff) {
      out += urlQuote(s.slice(start, i), QUERY_SAFE) + "%" + c.toString(16).toUpperCase();
      start = i + 1;
    }
  }
  return out + urlQuote(s.slice(start), QUERY_SAFE);
}

/**
 * Guards an input with `maxContentLength`: reading past the limit is a 413 (checked by
 * reading one byte more than allowed, so a body of exactly the limit is fine).
 */
class MaxLengthInput implements InputStream {
  #inner: InputStream;
  #left: number;

  constructor(inner: InputStream, limit: number) {
    this.#inner = inner;
    this.#left = limit;
  }

  async read(size?: number): Promise<Uint8Array> {
    const all = size === undefined || size === null || size < 0;
    if (!all && size <= this.#left) {
      const out = await this.#inner.read(size);
      this.#left -= out.length;
      return out;
    }
    const out = await this.#inner.read(this.#left + 1);
    if (out.length > this.#left) throw new RequestEntityTooLarge();
    this.#left -= out.length;
    return out;
  }

  async readline(size?: number): Promise<Uint8Array> {
    const want = size === undefined || size === null || size < 0
      ? this.#left + 1
      : Math.min(size, this.#left + 1);
    const out = await this.#inner.readline(want);
    if (out.length > this.#left) throw new RequestEntityTooLarge();
    this.#left -= out.length;
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = await this.read(64 * 1024);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}
