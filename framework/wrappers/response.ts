/**
 * `Response`: Flask's response object over Werkzeug's, as a gateway app of its own.
 *
 * @module
 */

import type { AppObject, Body, Chunk, Environ, StartResponse } from "../gateway/types.ts";
import { runApp } from "../gateway/run_app.ts";
import { collectBody } from "../gateway/collect_body.ts";
import { concatBytes, totalByteLength } from "../gateway/concat_bytes.ts";
import { Headers, type HeadersInit } from "../http/headers.ts";
import { RequestedRangeNotSatisfiable, setResponseFactory } from "../http/exceptions.ts";
import { statusLine } from "../http/status_codes.ts";
import { urlQuote } from "../http/urls.ts";
import { getContentType } from "./content_type.ts";
import { iriToUri } from "./iri_to_uri.ts";
import { dumpCookie } from "../http/cookies.ts";
import { httpDate, parseDate } from "../http/dates.ts";
import { dumpHeader, parseOptionsHeader } from "../http/header_values.ts";
import { pyInt } from "../http/python_text.ts";
import { type HeaderSet, parseSetHeader } from "../http/header_set.ts";
import { parseCacheControlHeader, ResponseCacheControl } from "../http/cache_control.ts";
import { type ContentSecurityPolicy, parseCspHeader } from "../http/content_security_policy.ts";
import { WWWAuthenticate } from "../http/authorization.ts";
import { generateEtag, parseEtags, quoteEtag, unquoteEtag } from "../http/etags.ts";
import { parseRangeHeader } from "../http/range.ts";
import { isResourceModified } from "../http/conditional.ts";
import {
  describe,
  encodeChunk,
  isAsyncIterable,
  isSyncIterable,
  readableToIterable,
  type ResponseBody,
  sliceChunks,
  sliceStream,
  type StreamedBody,
  withClose,
} from "./response_body.ts";

export type { ResponseBody, StreamedBody } from "./response_body.ts";

/** What `new Headers(...)` accepts: pairs, a record, phial or fetch `Headers`. */
export type ResponseHeadersInit = HeadersInit | null;

/** A status as a number (`404`) or a status line (`"404"`, `"404 Custom"`). */
export type StatusInit = number | string;

/** Options of the {@linkcode Response} constructor. */
export interface ResponseInit {
  /** Status code or line; 200 by default. */
  status?: StatusInit;
  /** Response headers; a phial `Headers` is used as is, anything else is copied. */
  headers?: ResponseHeadersInit;
  /** The mimetype; `; charset=utf-8` is added for text types, as Werkzeug does. */
  mimetype?: string;
  /** The full `Content-Type`, used verbatim (overrides `mimetype`). */
  contentType?: string;
}

/** Options of {@linkcode Response.setCookie}. */
export interface SetCookieOptions {
  /** Lifetime in seconds. */
  maxAge?: number;
  /** Expiry instant (a `Date`, never a bare number). */
  expires?: Date;
  /** Path the cookie is sent for; `"/"` by default, `null` for none. */
  path?: string | null;
  /** Domain the cookie is sent to. */
  domain?: string;
  /** Only send the cookie over HTTPS. */
  secure?: boolean;
  /** Hide the cookie from JavaScript. */
  httponly?: boolean;
  /** Alias of `httponly`. */
  httpOnly?: boolean;
  /** `"Strict"`, `"Lax"` or `"None"`. */
  samesite?: string;
  /** Alias of `samesite`. */
  sameSite?: string;
  /** Partitioned (CHIPS) cookie. */
  partitioned?: boolean;
}

/** Options of {@linkcode Response.deleteCookie}: the attributes the cookie was set with. */
export type DeleteCookieOptions = Omit<SetCookieOptions, "maxAge" | "expires">;

/** Options of {@linkcode Response.makeConditional}. */
export interface MakeConditionalOptions {
  /** Advertise and serve ranges: `true` for `bytes`, or the unit name. */
  acceptRanges?: boolean | string;
  /** The full length of the resource; needed to answer a `Range` request. */
  completeLength?: number;
}

/** Options of {@linkcode Response.fromApp}. */
export interface FromAppOptions {
  /**
   * Read the app's whole body before returning (a buffered response); by default the
   * body streams from the running app, as Werkzeug's `buffered=False`.
   */
  buffered?: boolean;
}

/** `Cross-Origin-Opener-Policy` values (Werkzeug's `COOP` enum). */
export type CrossOriginOpenerPolicy = "unsafe-none" | "same-origin-allow-popups" | "same-origin";

/** `Cross-Origin-Embedder-Policy` values (Werkzeug's `COEP` enum). */
export type CrossOriginEmbedderPolicy = "unsafe-none" | "require-corp";

const COOP_VALUES: ReadonlySet<CrossOriginOpenerPolicy> = new Set([
  "unsafe-none",
  "same-origin-allow-popups",
  "same-origin",
]);
const COEP_VALUES: ReadonlySet<CrossOriginEmbedderPolicy> = new Set([
  "unsafe-none",
  "require-corp",
]);

/** Anything with an `environ` (a `Request`), or an environ itself. */
export type RequestOrEnviron = Environ | { environ: Environ };

/** Parses a status into `[statusLine, statusCode]`, or throws a `TypeError`. */
function cleanStatus(value: unknown): [string, number] {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 100 || value > 999) {
      throw new TypeError(`Invalid status code ${value}: expected an integer from 100 to 999`);
    }
    return [statusLine(value), value];
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `Invalid status argument: expected a number or a string, got ${describe(value)}`,
    );
  }
  const status = value.trim();
  if (status === "") throw new TypeError("Empty status argument");
  const space = status.indexOf(" ");
  const codeText = space < 0 ? status : status.slice(0, space);
  if (!/^[1-9][0-9]{2}$/.test(codeText)) {
    throw new TypeError(
      `Invalid status ${JSON.stringify(value)}: expected a three-digit code, e.g. "404 Not Found"`,
    );
  }
  const code = Number(codeText);
  if (space < 0) return [statusLine(code), code];
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(status)) {
    throw new TypeError(`Invalid status ${JSON.stringify(value)}: control characters`);
  }
  return [status, code];
}

// Entity headers a 304 must not carry (Werkzeug keeps Expires and Content-Location).
const ENTITY_HEADERS_DROPPED_ON_304 = new Set([
  "allow",
  "content-encoding",
  "content-language",
  "content-length",
  "content-md5",
  "content-range",
  "content-type",
  "last-modified",
]);

function environOf(value: RequestOrEnviron): Environ {
  const env = (value as { environ?: unknown }).environ;
  return (typeof env === "object" && env !== null ? env : value) as Environ;
}

const EMPTY_BODY: Body = [];
const textDecoder = new TextDecoder();

/**
 * An HTTP response, Flask's flavour of Werkzeug's `Response`: the default mimetype is
 * `text/html; charset=utf-8`. It is a gateway app: `response.wsgiApp(environ,
 * startResponse)` sends it.
 *
 * The body is a string, bytes, an iterable or async iterable of chunks, a
 * `ReadableStream` or a `Blob`. Strings and bytes are buffered and get a
 * `Content-Length` at once; arrays of chunks get one when sent; other bodies stream.
 *
 * @example A JSON response with a cookie
 * ```ts
 * import { Response } from "@phial/phial";
 * const response = new Response('{"ok":true}', { status: 201, mimetype: "application/json" });
 * response.setCookie("seen", "1", { maxAge: 3600, httponly: true });
 * response.status; // "201 CREATED"
 * ```
 */
export class Response {
  /** The mimetype used when neither a mimetype nor a Content-Type is given. */
  static defaultMimetype: string | null = "text/html";
  /** The status used when none is given. */
  static defaultStatus: number = 200;
  /** Whether `Content-Length` is set for bodies of known length. */
  automaticallySetContentLength: boolean = true;
  /** Make a relative `Location` absolute against the request URL when sent. */
  autocorrectLocationHeader: boolean = false;
  /**
   * `setCookie` warns (on stderr, via `console.warn`) when a `Set-Cookie` value is longer
   * than this; `0` turns the check off. 4093 by default, as in Werkzeug.
   */
  maxCookieSize: number = 4093;

  /** The response headers. */
  headers: Headers;

  #status = "200 OK";
  #statusCode = 200;
  #chunks: Uint8Array[] | null = [];
  #stream: StreamedBody | null = null;
  #streamIsAsync = false;
  #onClose: (() => unknown)[] = [];

  /**
   * Creates a response.
   *
   * @param body The body (see the class description); empty by default.
   * @param init Status, headers, mimetype or full content type.
   */
  constructor(body?: ResponseBody, init?: ResponseInit) {
    const headers = init?.headers;
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    let contentType = init?.contentType;
    if (contentType === undefined) {
      let mimetype = init?.mimetype;
      if (mimetype === undefined && !this.headers.has("content-type")) {
        mimetype = (this.constructor as typeof Response).defaultMimetype ?? undefined;
      }
      if (mimetype !== undefined) contentType = getContentType(mimetype);
    }
    if (contentType !== undefined) this.headers.set("Content-Type", contentType);
    this.status = init?.status ?? (this.constructor as typeof Response).defaultStatus;
    this.#setBody(body, true);
  }

  #setBody(body: ResponseBody, setLength: boolean): void {
    this.#stream = null;
    this.#streamIsAsync = false;
    if (body === undefined || body === null) {
      this.#chunks = [];
    } else if (typeof body === "string" || body instanceof Uint8Array) {
      if (setLength) this.setData(body);
      else this.#chunks = [encodeChunk(body)];
    } else if (body instanceof ArrayBuffer) {
      if (setLength) this.setData(new Uint8Array(body));
      else this.#chunks = [new Uint8Array(body)];
    } else if (Array.isArray(body)) {
      this.#chunks = body.map(encodeChunk);
    } else if (body instanceof Blob) {
      this.#setStream(readableToIterable(body.stream()));
      if (setLength && this.automaticallySetContentLength) {
        this.headers.set("Content-Length", String(body.size));
      }
    } else if (body instanceof ReadableStream) {
      this.#setStream(readableToIterable(body));
    } else if (isSyncIterable(body) || isAsyncIterable(body)) {
      this.#setStream(body as StreamedBody);
    } else {
      throw new TypeError(
        `Invalid response body: expected a string, bytes, an iterable, an async iterable or a ReadableStream, got ${
          describe(body)
        }`,
      );
    }
  }

  #setStream(stream: StreamedBody): void {
    this.#chunks = null;
    this.#stream = stream;
    this.#streamIsAsync = !isSyncIterable(stream);
  }

  /** The status line, e.g. `"404 NOT FOUND"`; settable from a number or a string. */
  get status(): string {
    return this.#status;
  }
  set status(value: StatusInit) {
    [this.#status, this.#statusCode] = cleanStatus(value);
  }

  /** The status code as a number; setting it updates `status` with Werkzeug's reason. */
  get statusCode(): number {
    return this.#statusCode;
  }
  set statusCode(value: number) {
    this.status = value;
  }

  /**
   * The body as it stands: an array of byte chunks when buffered, otherwise the stream.
   * Setting it replaces the body without touching `Content-Length` (Werkzeug's
   * `response.response`).
   */
  get response(): Uint8Array[] | StreamedBody {
    return this.#chunks ?? this.#stream!;
  }
  set response(body: ResponseBody) {
    this.#setBody(body, false);
  }

  /** Whether the body is buffered (a list of chunks). */
  get isSequence(): boolean {
    return this.#chunks !== null;
  }

  /** Whether the body is a stream of unknown length. */
  get isStreamed(): boolean {
    return this.#chunks === null;
  }

  /** Werkzeug's repr: `<Response 5 bytes [200 OK]>`, or `streamed` for a stream. */
  toString(): string {
    const body = this.#chunks ? `${totalByteLength(this.#chunks)} bytes` : "streamed";
    return `<${this.constructor.name} ${body} [${this.#status}]>`;
  }

  /** Registers `fn` to run when the response is closed (after it was sent). */
  callOnClose<F extends () => unknown>(fn: F): F {
    this.#onClose.push(fn);
    return fn;
  }

  /** Closes the body's stream, if it has `close()`, then runs `callOnClose` functions. */
  async close(): Promise<void> {
    const stream = this.#stream;
    if (stream && typeof stream.close === "function") await stream.close();
    for (const fn of this.#onClose) await fn();
  }

  /** Replaces the body with `value` and sets `Content-Length`. */
  setData(value: string | Uint8Array): void {
    const bytes = encodeChunk(value);
    this.#stream = null;
    this.#streamIsAsync = false;
    this.#chunks = [bytes];
    if (this.automaticallySetContentLength) {
      this.headers.set("Content-Length", String(bytes.byteLength));
    }
  }

  /** Reads a synchronous stream into chunks; `false` if the body streams asynchronously. */
  #bufferSync(): boolean {
    if (this.#chunks) return true;
    if (this.#streamIsAsync) return false;
    const stream = this.#stream!;
    const chunks: Uint8Array[] = [];
    for (const chunk of stream as Iterable<Chunk>) chunks.push(encodeChunk(chunk));
    this.#chunks = chunks;
    this.#stream = null;
    if (typeof stream.close === "function") this.#onClose.push(() => stream.close!());
    return true;
  }

  /**
   * Reads a streamed body to the end and keeps it buffered (Werkzeug's `make_sequence`);
   * the stream's `close()` then runs when the response is closed.
   */
  async makeSequence(): Promise<void> {
    if (this.#bufferSync()) return;
    const stream = this.#stream!;
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream as AsyncIterable<Chunk>) chunks.push(encodeChunk(chunk));
    this.#chunks = chunks;
    this.#stream = null;
    this.#streamIsAsync = false;
    if (typeof stream.close === "function") this.#onClose.push(() => stream.close!());
  }

  /** The body as bytes, or as text with `{ asText: true }`; buffers a streamed body. */
  async getData(options: { asText: true }): Promise<string>;
  /** The body as bytes, or as text with `{ asText: true }`; buffers a streamed body. */
  async getData(options?: { asText?: false }): Promise<Uint8Array>;
  /** The body as bytes, or as text with `{ asText: true }`; buffers a streamed body. */
  async getData(options?: { asText?: boolean }): Promise<Uint8Array | string>;
  async getData(options?: { asText?: boolean }): Promise<Uint8Array | string> {
    await this.makeSequence();
    const bytes = concatBytes(this.#chunks!);
    return options?.asText ? textDecoder.decode(bytes) : bytes;
  }

  /**
   * The body as bytes, read synchronously (a `TypeError` for an asynchronous stream: use
   * `await getData()` there); setting it is `setData()`.
   */
  get data(): Uint8Array {
    if (!this.#bufferSync()) {
      throw new TypeError(
        "The response body is an asynchronous stream: use `await response.getData()`",
      );
    }
    return concatBytes(this.#chunks!);
  }
  set data(value: string | Uint8Array) {
    this.setData(value);
  }

  /**
   * A file-like writer appending to the body (Werkzeug's `response.stream`); each write
   * drops `Content-Length`, which is computed again when the response is sent.
   */
  get stream(): ResponseStream {
    return new ResponseStream((chunk) => {
      if (!this.#bufferSync()) {
        throw new TypeError("Cannot write to a response whose body is an asynchronous stream");
      }
      this.#chunks!.push(chunk);
      this.headers.remove("Content-Length");
    }, () => this.#chunks ? totalByteLength(this.#chunks) : 0);
  }

  /**
   * The body's chunks as bytes, without buffering it (Werkzeug's `iter_encoded`): iterate
   * with `for await` always, or with `for` when the body is buffered or a synchronous
   * stream (an asynchronous stream is then a `TypeError`). A streamed body is consumed.
   *
   * @example
   * ```ts
   * import { Response } from "@phial/phial";
   * const response = new Response(["a", "é"]);
   * [...response.iterEncoded()]; // [Uint8Array [97], Uint8Array [195, 169]]
   * ```
   *
   * @returns The chunks, UTF-8 encoded.
   */
  iterEncoded(): Iterable<Uint8Array> & AsyncIterable<Uint8Array> {
    const body = this.#chunks ?? this.#stream!;
    const isAsync = this.#chunks === null && this.#streamIsAsync;
    return {
      *[Symbol.iterator](): Iterator<Uint8Array> {
        if (isAsync) {
          throw new TypeError(
            "The response body is an asynchronous stream: iterate it with `for await`",
          );
        }
        for (const chunk of body as Iterable<Chunk>) yield encodeChunk(chunk);
      },
      async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        for await (const chunk of body as AsyncIterable<Chunk>) yield encodeChunk(chunk);
      },
    };
  }

  /** The body's length when it is buffered (or a synchronous stream), else `null`. */
  calculateContentLength(): number | null {
    return this.#bufferSync() ? totalByteLength(this.#chunks!) : null;
  }

  /** Whether the mimetype is `application/json` or `application/*+json`. */
  get isJson(): boolean {
    const mt = this.mimetype;
    return mt !== null &&
      (mt === "application/json" || (mt.startsWith("application/") && mt.endsWith("+json")));
  }

  /**
   * The body parsed as JSON; `null` when the mimetype is not JSON (unless `force`). Bad
   * JSON throws a `SyntaxError`, or gives `null` with `silent`.
   */
  async getJson(options?: { force?: boolean; silent?: boolean }): Promise<unknown> {
    if (!options?.force && !this.isJson) return null;
    return this.#parseJson(await this.getData({ asText: true }), options?.silent);
  }

  /** The body parsed as JSON, read synchronously (see `data` and `getJson`). */
  get json(): unknown {
    if (!this.isJson) return null;
    return this.#parseJson(textDecoder.decode(this.data), false);
  }

  #parseJson(text: string, silent: boolean | undefined): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (silent) return null;
      throw error;
    }
  }

  // --- header properties -------------------------------------------------------------

  /** The mimetype: the Content-Type without parameters, or `null`. */
  get mimetype(): string | null {
    const ct = this.headers.get("content-type");
    if (!ct) return null;
    const semi = ct.indexOf(";");
    return (semi < 0 ? ct : ct.slice(0, semi)).trim();
  }
  set mimetype(value: string) {
    this.headers.set("Content-Type", getContentType(value));
  }

  /** The Content-Type parameters, e.g. `{ charset: "utf-8" }` (a copy). */
  get mimetypeParams(): Record<string, string> {
    return parseOptionsHeader(this.headers.get("content-type") ?? "")[1];
  }

  /** The full Content-Type header, or `null`; settable (`null` removes it). */
  get contentType(): string | null {
    return this.#header("content-type");
  }
  set contentType(value: string | null) {
    this.#setHeader("Content-Type", value);
  }

  /** The Content-Length as a number, or `null`; settable. */
  get contentLength(): number | null {
    const v = this.headers.get("content-length");
    if (v === undefined || v === null || !/^\s*\d+\s*$/.test(v)) return null;
    return Number(v);
  }
  set contentLength(value: number | null) {
    this.#setHeader("Content-Length", value === null ? null : String(value));
  }

  /** The Location header, or `null`; settable. */
  get location(): string | null {
    return this.#header("location");
  }
  set location(value: string | null) {
    this.#setHeader("Location", value);
  }

  /** The Content-Location header, or `null`; settable. */
  get contentLocation(): string | null {
    return this.#header("content-location");
  }
  set contentLocation(value: string | null) {
    this.#setHeader("Content-Location", value);
  }

  /** The Content-Encoding header, or `null`; settable. */
  get contentEncoding(): string | null {
    return this.#header("content-encoding");
  }
  set contentEncoding(value: string | null) {
    this.#setHeader("Content-Encoding", value);
  }

  /** The Content-MD5 header, or `null`; settable. */
  get contentMd5(): string | null {
    return this.#header("content-md5");
  }
  set contentMd5(value: string | null) {
    this.#setHeader("Content-MD5", value);
  }

  /**
   * The Content-Language header as a live {@linkcode HeaderSet}: changing the set changes
   * the header. Settable with a string, a list of tokens, or `null` to remove it.
   */
  get contentLanguage(): HeaderSet {
    return this.#setHeaderSet("Content-Language");
  }
  set contentLanguage(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Content-Language", value);
  }

  /** The Accept-Ranges header, or `null`; settable. */
  get acceptRanges(): string | null {
    return this.#header("accept-ranges");
  }
  set acceptRanges(value: string | null) {
    this.#setHeader("Accept-Ranges", value);
  }

  /** The Content-Range header, or `null`; settable. */
  get contentRange(): string | null {
    return this.#header("content-range");
  }
  set contentRange(value: string | null) {
    this.#setHeader("Content-Range", value);
  }

  /**
   * The Vary header as a live {@linkcode HeaderSet} (`response.vary.add("Cookie")` adds to
   * the header, as in Werkzeug). Settable with a string, a list of tokens, or `null`.
   */
  get vary(): HeaderSet {
    return this.#setHeaderSet("Vary");
  }
  set vary(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Vary", value);
  }

  /**
   * The Allow header as a live {@linkcode HeaderSet}. Settable with a string, a list of
   * methods, or `null`.
   */
  get allow(): HeaderSet {
    return this.#setHeaderSet("Allow");
  }
  set allow(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Allow", value);
  }

  /**
   * The Cache-Control header as a live {@linkcode ResponseCacheControl}
   * (`response.cacheControl.maxAge = 60` sets it, as in Werkzeug; clearing every directive
   * removes the header). Setting a string (or `null`) replaces the header outright.
   */
  get cacheControl(): ResponseCacheControl {
    return parseCacheControlHeader(
      this.headers.get("cache-control"),
      (cc) => this.#setUnlessEmpty("Cache-Control", cc.toHeader()),
      ResponseCacheControl,
    );
  }
  set cacheControl(value: string | null) {
    this.#setHeader("Cache-Control", value);
  }

  // --- authentication, CSP, CORS and cross-origin isolation ---------------------------

  /**
   * The first WWW-Authenticate challenge as a live {@linkcode WWWAuthenticate}: a `Basic`
   * one without parameters when the header is absent (the header is only written once the
   * object changes), as in Werkzeug. Set a challenge, a list of them (one header each), or
   * `null` / `[]` to remove the header. Unlike Werkzeug, the object you assign is copied
   * into the header, not watched: read `response.wwwAuthenticate` again to change it in
   * place.
   */
  get wwwAuthenticate(): WWWAuthenticate {
    const value = WWWAuthenticate.fromHeader(this.headers.get("www-authenticate")) ??
      new WWWAuthenticate("basic");
    return liveChallenge(value, (challenge) => {
      this.headers.set("WWW-Authenticate", challenge.toHeader());
    });
  }
  set wwwAuthenticate(value: WWWAuthenticate | WWWAuthenticate[] | null) {
    const list = value === null || value === undefined
      ? []
      : Array.isArray(value)
      ? value
      : [value];
    this.headers.remove("WWW-Authenticate");
    for (const challenge of list) {
      if (!(challenge instanceof WWWAuthenticate)) {
        throw new TypeError(
          `wwwAuthenticate takes a WWWAuthenticate, a list of them or null, got ${
            describe(challenge)
          }`,
        );
      }
      this.headers.add("WWW-Authenticate", challenge.toHeader());
    }
  }

  /**
   * The Content-Security-Policy header as a live {@linkcode ContentSecurityPolicy}
   * (`response.contentSecurityPolicy.defaultSrc = "'self'"` sets it; removing every
   * directive removes the header). Settable with a policy, a string, or `null`.
   */
  get contentSecurityPolicy(): ContentSecurityPolicy {
    return this.#cspHeader("Content-Security-Policy");
  }
  set contentSecurityPolicy(value: ContentSecurityPolicy | string | null) {
    this.#writeCspHeader("Content-Security-Policy", value);
  }

  /**
   * The Content-Security-Policy-Report-Only header as a live
   * {@linkcode ContentSecurityPolicy}: a policy the browser reports on but does not
   * enforce. Settable with a policy, a string, or `null`.
   */
  get contentSecurityPolicyReportOnly(): ContentSecurityPolicy {
    return this.#cspHeader("Content-Security-Policy-Report-Only");
  }
  set contentSecurityPolicyReportOnly(value: ContentSecurityPolicy | string | null) {
    this.#writeCspHeader("Content-Security-Policy-Report-Only", value);
  }

  #cspHeader(name: string): ContentSecurityPolicy {
    return parseCspHeader(this.headers.get(name), (csp) => this.#writeCspHeader(name, csp));
  }

  #writeCspHeader(name: string, value: ContentSecurityPolicy | string | null): void {
    this.#setUnlessEmpty(
      name,
      value === null || typeof value === "string" ? value : value.toHeader(),
    );
  }

  /**
   * Whether Access-Control-Allow-Credentials is present; setting `true` sends `true`,
   * anything else removes the header.
   */
  get accessControlAllowCredentials(): boolean {
    return this.headers.has("access-control-allow-credentials");
  }
  set accessControlAllowCredentials(value: boolean | null) {
    this.#setHeader("Access-Control-Allow-Credentials", value === true ? "true" : null);
  }

  /**
   * Access-Control-Allow-Headers as a live {@linkcode HeaderSet} (empty when absent, where
   * Werkzeug gives `None` and a detached set). Settable with a string, a list, or `null`.
   */
  get accessControlAllowHeaders(): HeaderSet {
    return this.#setHeaderSet("Access-Control-Allow-Headers");
  }
  set accessControlAllowHeaders(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Access-Control-Allow-Headers", value);
  }

  /**
   * Access-Control-Allow-Methods as a live {@linkcode HeaderSet} (empty when absent).
   * Settable with a string, a list, or `null`.
   */
  get accessControlAllowMethods(): HeaderSet {
    return this.#setHeaderSet("Access-Control-Allow-Methods");
  }
  set accessControlAllowMethods(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Access-Control-Allow-Methods", value);
  }

  /**
   * Access-Control-Expose-Headers as a live {@linkcode HeaderSet} (empty when absent).
   * Settable with a string, a list, or `null`.
   */
  get accessControlExposeHeaders(): HeaderSet {
    return this.#setHeaderSet("Access-Control-Expose-Headers");
  }
  set accessControlExposeHeaders(value: string | Iterable<string> | null) {
    this.#writeSetHeader("Access-Control-Expose-Headers", value);
  }

  /** Access-Control-Allow-Origin (an origin or `*`), or `null`; settable. */
  get accessControlAllowOrigin(): string | null {
    return this.#header("access-control-allow-origin");
  }
  set accessControlAllowOrigin(value: string | null) {
    this.#setHeader("Access-Control-Allow-Origin", value);
  }

  /** Access-Control-Max-Age in seconds; `null` when absent or not an integer. Settable. */
  get accessControlMaxAge(): number | null {
    const v = this.headers.get("access-control-max-age");
    return v === undefined ? null : pyInt(v) ?? null;
  }
  set accessControlMaxAge(value: number | null) {
    if (value !== null && !Number.isFinite(value)) {
      throw new TypeError(`accessControlMaxAge takes seconds or null, got ${String(value)}`);
    }
    this.#setHeader("Access-Control-Max-Age", value === null ? null : String(Math.trunc(value)));
  }

  /**
   * Cross-Origin-Opener-Policy; `"unsafe-none"` when absent or not a known value, as in
   * Werkzeug. Settable with one of the values, or `null` to remove the header.
   */
  get crossOriginOpenerPolicy(): CrossOriginOpenerPolicy {
    return this.#policyHeader("cross-origin-opener-policy", COOP_VALUES);
  }
  set crossOriginOpenerPolicy(value: CrossOriginOpenerPolicy | null) {
    this.#setHeader("Cross-Origin-Opener-Policy", checkPolicy(value, COOP_VALUES, "Opener"));
  }

  /**
   * Cross-Origin-Embedder-Policy; `"unsafe-none"` when absent or not a known value, as in
   * Werkzeug. Settable with one of the values, or `null` to remove the header.
   */
  get crossOriginEmbedderPolicy(): CrossOriginEmbedderPolicy {
    return this.#policyHeader("cross-origin-embedder-policy", COEP_VALUES);
  }
  set crossOriginEmbedderPolicy(value: CrossOriginEmbedderPolicy | null) {
    this.#setHeader("Cross-Origin-Embedder-Policy", checkPolicy(value, COEP_VALUES, "Embedder"));
  }

  /** The Age header in seconds, or `null`; settable. */
  get age(): number | null {
    const v = this.headers.get("age");
    return v && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
  }
  set age(value: number | null) {
    this.#setHeader("Age", value === null ? null : String(Math.trunc(value)));
  }

  /** The Date header as a `Date`, or `null`; settable from a `Date` or a string. */
  get date(): Date | null {
    return this.#getDate("date");
  }
  set date(value: Date | string | null) {
    this.#setDate("Date", value);
  }

  /** The Expires header as a `Date`, or `null`; settable. */
  get expires(): Date | null {
    return this.#getDate("expires");
  }
  set expires(value: Date | string | null) {
    this.#setDate("Expires", value);
  }

  /** The Last-Modified header as a `Date`, or `null`; settable. */
  get lastModified(): Date | null {
    return this.#getDate("last-modified");
  }
  set lastModified(value: Date | string | null) {
    this.#setDate("Last-Modified", value);
  }

  /** The Retry-After header as a `Date`, or `null`; settable from a `Date` or seconds. */
  get retryAfter(): Date | null {
    const v = this.headers.get("retry-after");
    if (!v) return null;
    if (/^\d+$/.test(v.trim())) return new Date(Date.now() + Number(v.trim()) * 1000);
    return parseDate(v);
  }
  set retryAfter(value: Date | number | null) {
    this.#setHeader(
      "Retry-After",
      value === null ? null : value instanceof Date ? httpDate(value) : String(value),
    );
  }

  #getDate(name: string): Date | null {
    const v = this.headers.get(name);
    return v ? parseDate(v) : null;
  }

  #setDate(name: string, value: Date | string | null): void {
    this.#setHeader(name, value instanceof Date ? httpDate(value) : value);
  }

  /** A set header, parsed, that writes itself back on each change. */
  #setHeaderSet(name: string): HeaderSet {
    return parseSetHeader(this.headers.get(name), (set) => this.#writeSetHeader(name, set));
  }

  #writeSetHeader(name: string, value: string | Iterable<string> | null): void {
    this.#setUnlessEmpty(
      name,
      value === null || typeof value === "string" ? value : dumpHeader(value),
    );
  }

  /** Sets a header from a live value's text: `""` (nothing left in it) removes the header. */
  #setUnlessEmpty(name: string, text: string | null): void {
    this.#setHeader(name, text === "" ? null : text);
  }

  /** A cross-origin policy header's value: `"unsafe-none"` when absent or not allowed. */
  #policyHeader<T extends string>(name: string, allowed: ReadonlySet<T>): T {
    const v = this.headers.get(name);
    return v !== undefined && (allowed as ReadonlySet<string>).has(v) ? v as T : "unsafe-none" as T;
  }

  /** A header's value, or `null` when it is absent. */
  #header(name: string): string | null {
    return this.headers.get(name) ?? null;
  }

  #setHeader(name: string, value: string | null | undefined): void {
    if (value === null || value === undefined) this.headers.remove(name);
    else this.headers.set(name, value);
  }

  // --- cookies -----------------------------------------------------------------------

  /**
   * Adds a `Set-Cookie` header.
   *
   * @example
   * ```ts
   * import { Response } from "@phial/phial";
   * const r = new Response("ok");
   * r.setCookie("theme", "dark", { maxAge: 86400, sameSite: "Lax" });
   * r.headers.get("Set-Cookie"); // "theme=dark; Max-Age=86400; Path=/; SameSite=Lax" (plus Expires)
   * ```
   */
  setCookie(key: string, value: string = "", options: SetCookieOptions = {}): void {
    const header = dumpCookie(key, value, {
      maxAge: options.maxAge,
      expires: options.expires,
      path: options.path === undefined ? "/" : options.path,
      domain: options.domain,
      secure: options.secure ?? false,
      httponly: options.httponly ?? options.httpOnly ?? false,
      samesite: options.samesite ?? options.sameSite,
      partitioned: options.partitioned ?? false,
    });
    const max = this.maxCookieSize;
    if (max && header.length > max) {
      // The value as sent (quoted and escaped) runs from after `key=` to the first "; ".
      const end = header.indexOf("; ");
      const valueSize = (end === -1 ? header.length : end) - key.length - 1;
      console.warn(
        `The '${key}' cookie is too large: the value was ${valueSize} bytes but the header ` +
          `required ${header.length - valueSize} extra bytes. The final size was ` +
          `${header.length} bytes but the limit is ${max} bytes. Browsers may silently ` +
          "ignore cookies larger than this.",
      );
    }
    this.headers.add("Set-Cookie", header);
  }

  /** Tells the client to drop a cookie (an expired, empty `Set-Cookie`). */
  deleteCookie(key: string, options: DeleteCookieOptions = {}): void {
    this.setCookie(key, "", { ...options, expires: new Date(0), maxAge: 0 });
  }

  // --- etags and conditional requests ------------------------------------------------

  /** Sets the ETag header (quoted; `W/` prefixed when `weak`). */
  setEtag(etag: string, weak: boolean = false): void {
    this.headers.set("ETag", quoteEtag(etag, weak));
  }

  /** The ETag as `[etag, isWeak]`, or `[null, null]` when there is none. */
  getEtag(): [string, boolean] | [null, null] {
    const v = this.headers.get("etag");
    if (!v) return [null, null];
    return unquoteEtag(v);
  }

  /** Sets an ETag computed from the body (SHA-1), unless one is set and not `overwrite`. */
  async addEtag(options: { overwrite?: boolean; weak?: boolean } = {}): Promise<void> {
    if (options.overwrite || !this.headers.has("etag")) {
      this.setEtag(generateEtag(await this.getData()), options.weak ?? false);
    }
  }

  /**
   * Buffers the body, sets Content-Length and an ETag (Werkzeug's `freeze`).
   */
  async freeze(): Promise<void> {
    await this.makeSequence();
    this.headers.set("Content-Length", String(totalByteLength(this.#chunks!)));
    await this.addEtag();
  }

  /**
   * Applies the request's conditional headers, as Werkzeug does: for GET and HEAD, sets
   * `Date`; answers `Range` with 206 and `Content-Range` (or throws
   * `RequestedRangeNotSatisfiable`, 416) when `acceptRanges` and `completeLength` allow;
   * turns a matching `If-None-Match` / `If-Modified-Since` into 304 (412 when
   * `If-Match` is present); sets `Content-Length` when the body's length is known.
   *
   * @returns this response
   * @example
   * ```ts ignore
   * const response = new Response(bytes, { mimetype: "application/pdf" });
   * response.setEtag("v1");
   * await response.makeConditional(request, { acceptRanges: true, completeLength: bytes.length });
   * ```
   */
  async makeConditional(
    requestOrEnviron: RequestOrEnviron,
    options: MakeConditionalOptions = {},
  ): Promise<this> {
    const environ = environOf(requestOrEnviron);
    const method = environ.REQUEST_METHOD;
    if (method !== "GET" && method !== "HEAD") return this;
    if (!this.headers.has("date")) this.headers.set("Date", httpDate());
    const is206 = this.#processRangeRequest(
      environ,
      options.completeLength,
      options.acceptRanges ?? false,
    );
    if (
      !is206 &&
      !isResourceModified(environ, {
        etag: this.headers.get("etag") ?? undefined,
        lastModified: this.headers.get("last-modified") ?? undefined,
      })
    ) {
      const ifMatch = environ.HTTP_IF_MATCH;
      this.statusCode = ifMatch && !parseEtags(ifMatch).empty ? 412 : 304;
    }
    if (this.automaticallySetContentLength && !this.headers.has("content-length")) {
      await this.makeSequence();
      this.headers.set("Content-Length", String(totalByteLength(this.#chunks!)));
    }
    return this;
  }

  #processRangeRequest(
    environ: Environ,
    completeLength: number | undefined,
    acceptRanges: boolean | string,
  ): boolean {
    if (!acceptRanges) return false;
    this.headers.set("Accept-Ranges", acceptRanges === true ? "bytes" : acceptRanges);
    if (!completeLength || environ.HTTP_RANGE === undefined) return false;
    if (
      environ.HTTP_IF_RANGE !== undefined &&
      isResourceModified(environ, {
        etag: this.headers.get("etag") ?? undefined,
        lastModified: this.headers.get("last-modified") ?? undefined,
        ignoreIfRange: false,
      })
    ) return false;
    const parsed = parseRangeHeader(environ.HTTP_RANGE);
    if (!parsed) throw new RequestedRangeNotSatisfiable(completeLength);
    const range = parsed.rangeForLength(completeLength);
    const contentRange = parsed.toContentRangeHeader(completeLength);
    if (!range || !contentRange) throw new RequestedRangeNotSatisfiable(completeLength);
    const [start, stop] = range;
    const length = stop - start;
    this.headers.set("Content-Length", String(length));
    this.headers.set("Content-Range", contentRange);
    this.statusCode = 206;
    if (this.#chunks) this.#chunks = sliceChunks(this.#chunks, start, length);
    else this.#setStream(sliceStream(this.#stream!, start, length));
    return true;
  }

  // --- the gateway side ----------------------------------------------------------------

  /**
   * The headers to send for `environ` (a copy): Location made a URI, entity headers
   * dropped from a 304, Content-Length dropped for 1xx/204 and computed for a buffered
   * body.
   */
  getWsgiHeaders(environ: Environ): Headers {
    return new Headers(this.#wsgiHeaderList(environ));
  }

  #wsgiHeaderList(environ: Environ): [string, string][] {
    const status = this.#statusCode;
    const noLength = status === 204 || (status >= 100 && status < 200);
    const is304 = status === 304;
    const list: [string, string][] = [];
    let hasLength = false;
    for (const [name, value] of this.headers) {
      const lower = name.toLowerCase();
      if (lower === "content-length") {
        if (noLength || is304) continue;
        hasLength = true;
      } else if (is304 && ENTITY_HEADERS_DROPPED_ON_304.has(lower)) {
        continue;
      } else if (lower === "location") {
        let location = iriToUri(value);
        if (this.autocorrectLocationHeader) location = this.#absoluteLocation(environ, location);
        list.push([name, location]);
        continue;
      } else if (lower === "content-location") {
        list.push([name, iriToUri(value)]);
        continue;
      }
      list.push([name, value]);
    }
    if (
      this.automaticallySetContentLength && !hasLength && !noLength && !is304 && this.#chunks
    ) {
      list.push(["Content-Length", String(totalByteLength(this.#chunks))]);
    }
    return list;
  }

  #absoluteLocation(environ: Environ, location: string): string {
    const host = environ.HTTP_HOST ??
      `${environ.SERVER_NAME}:${environ.SERVER_PORT}`;
    const base = `${environ["wsgi.url_scheme"]}://${host}${
      urlQuote(environ.SCRIPT_NAME + environ.PATH_INFO, "/%!$&'()*+,:;=@")
    }`;
    try {
      return new URL(location, base).href;
    } catch {
      return location;
    }
  }

  /** The body to send for `environ`: empty for HEAD, 1xx, 204 and 304. */
  getAppIter(environ: Environ): Body {
    const status = this.#statusCode;
    const hasClosers = this.#onClose.length > 0 ||
      (this.#stream !== null && typeof this.#stream.close === "function");
    if (
      environ.REQUEST_METHOD === "HEAD" || status === 204 || status === 304 ||
      (status >= 100 && status < 200)
    ) {
      return hasClosers ? withClose([], () => this.close()) : EMPTY_BODY;
    }
    const body = this.#chunks ?? this.#stream!;
    return hasClosers ? withClose(body, () => this.close()) : body;
  }

  /** `[body, status, headers]` as the gateway wants them for `environ`. */
  getWsgiResponse(environ: Environ): [Body, string, [string, string][]] {
    const headers = this.#wsgiHeaderList(environ);
    return [this.getAppIter(environ), this.#status, headers];
  }

  /**
   * Sends the response: the gateway app that a `Response` is (Werkzeug's
   * `response(environ, start_response)`).
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body {
    const [body, status, headers] = this.getWsgiResponse(environ);
    startResponse(status, headers);
    return body;
  }

  /**
   * Turns `rv` into a `Response` of this class: a `Response` is returned as is (re-classed
   * when this is a subclass, as Werkzeug does); a fetch `Response` is wrapped (its body streams); any app object is run against `environ` and its
   * output buffered.
   *
   * @example Wrapping a plain gateway app
   * ```ts ignore
   * const hello: WsgiApp = (_env, sr) => { sr("200 OK", [["Content-Type", "text/plain"]]); return ["hi"]; };
   * const response = await Response.forceType(hello, environ);
   * ```
   */
  static async forceType<T extends Response>(
    this: new (body?: ResponseBody, init?: ResponseInit) => T,
    rv: Response | globalThis.Response | AppObject,
    environ?: Environ,
  ): Promise<T> {
    // deno-lint-ignore no-this-alias
    const cls = this;
    if (rv instanceof cls) return rv;
    if (rv instanceof Response) {
      // Werkzeug re-classes the very object (`response.__class__ = cls`): same here.
      return Object.setPrototypeOf(rv, cls.prototype) as T;
    }
    if (rv instanceof globalThis.Response) {
      return new cls(rv.body, {
        status: rv.statusText ? `${rv.status} ${rv.statusText}` : rv.status,
        headers: rv.headers,
      });
    }
    if (
      typeof rv !== "function" &&
      (typeof rv !== "object" || rv === null || typeof rv.wsgiApp !== "function")
    ) {
      throw new TypeError(`Cannot convert ${describe(rv)} to a response`);
    }
    if (!environ) {
      throw new TypeError("Cannot convert a gateway app into a response without an environ");
    }
    return await Response.fromApp.call(cls, rv, environ, { buffered: true }) as T;
  }

  /**
   * Runs `app` against `environ` and wraps its output in a response of this class
   * (Werkzeug's `from_app`): status, headers, `write()` data and body. By default the body
   * streams from the running app (closing the response closes the app's body); with
   * `buffered` it is read whole first. A body that was complete at once is buffered either
   * way.
   *
   * @example Wrapping a gateway app's output
   * ```ts
   * import { EnvironBuilder, Response, type WsgiApp } from "@phial/phial";
   * const hello: WsgiApp = (_environ, startResponse) => {
   *   startResponse("201 CREATED", [["Content-Type", "text/plain"]]);
   *   return ["hi"];
   * };
   * const response = await Response.fromApp(hello, new EnvironBuilder().getEnviron());
   * response.status; // "201 CREATED"
   * ```
   *
   * @param app Any app object: a `WsgiApp`, a `Response`, …
   * @param environ The environ to run it against.
   * @param options `buffered`.
   * @returns The response.
   */
  static async fromApp<T extends Response>(
    this: new (body?: ResponseBody, init?: ResponseInit) => T,
    app: AppObject,
    environ: Environ,
    options: FromAppOptions = {},
  ): Promise<T> {
    const out = await runApp(app, environ);
    const init = { status: out.status, headers: out.headers };
    if (options.buffered || out.complete) return new this(await collectBody(out), init);
    const first = out.chunks.slice();
    const body: StreamedBody = {
      async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
        yield* first;
        for (let c = await out.next(); c !== null; c = await out.next()) yield c;
      },
      close: () => out.close(),
    };
    return new this(body, init);
  }
}

/** A cross-origin policy value checked against its allowed values (`null` passes). */
function checkPolicy(
  value: string | null,
  allowed: ReadonlySet<string>,
  kind: string,
): string | null {
  if (value === null || allowed.has(value)) return value;
  throw new TypeError(
    `Invalid Cross-Origin-${kind}-Policy ${JSON.stringify(value)}: expected one of ${
      [...allowed].map((v) => JSON.stringify(v)).join(", ")
    }`,
  );
}

/**
 * Wraps a challenge so that each change (its `type`, `token`, `parameters`, or one
 * parameter) runs `onUpdate`: Werkzeug's `WWWAuthenticate` `on_update` hook, from outside.
 */
function liveChallenge(
  challenge: WWWAuthenticate,
  onUpdate: (challenge: WWWAuthenticate) => void,
): WWWAuthenticate {
  const parameterTraps: ProxyHandler<Record<string, string | null>> = {
    set(target, key, value): boolean {
      Reflect.set(target, key, value);
      onUpdate(challenge);
      return true;
    },
    deleteProperty(target, key): boolean {
      const had = Object.hasOwn(target, key);
      Reflect.deleteProperty(target, key);
      if (had) onUpdate(challenge);
      return true;
    },
  };
  return new Proxy(challenge, {
    get(target, key, receiver): unknown {
      if (key === "parameters") return new Proxy(target.parameters, parameterTraps);
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value): boolean {
      Reflect.set(target, key, value);
      onUpdate(challenge);
      return true;
    },
  });
}

/** The writer behind {@linkcode Response.stream}. */
export class ResponseStream {
  #append: (chunk: Uint8Array) => void;
  #length: () => number;
  /** Whether `close()` was called; later writes throw. */
  closed: boolean = false;

  /**
   * A writer that hands each chunk to `append`.
   *
   * @param append Receives each written chunk, UTF-8 encoded.
   * @param length Gives the body's current length.
   */
  constructor(append: (chunk: Uint8Array) => void, length: () => number) {
    this.#append = append;
    this.#length = length;
  }

  /** Appends `value` to the body and returns the number of bytes written. */
  write(value: string | Uint8Array): number {
    if (this.closed) throw new TypeError("I/O operation on a closed response stream");
    const chunk = encodeChunk(value);
    this.#append(chunk);
    return chunk.byteLength;
  }

  /** Writes every item of `values`. */
  writelines(values: Iterable<string | Uint8Array>): void {
    for (const v of values) this.write(v);
  }

  /** The body's length so far. */
  tell(): number {
    return this.#length();
  }

  /** Stops further writes. */
  close(): void {
    this.closed = true;
  }
}

setResponseFactory((body, init) => new Response(body, init));
