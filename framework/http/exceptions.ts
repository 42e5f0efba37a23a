/**
 * HTTP errors that are responses: `HTTPException`, one subclass per Werkzeug 4xx/5xx class,
 * and `abort()`. Each exception is itself a gateway app rendering Werkzeug's HTML page.
 *
 * @module
 */

import type { Body, Environ, StartResponse, WsgiApp } from "../gateway/types.ts";
import { httpDate } from "./dates.ts";
import { statusLine, statusReason } from "./status_codes.ts";

/**
 * What `HTTPException.getResponse()` returns: anything with a status and a `wsgiApp`
 * (a phial `Response` once `framework/wrappers/response.ts` is loaded).
 */
export interface ResponseLike {
  /** The numeric status, e.g. `404`. */
  statusCode: number;
  /** The status line, e.g. `"404 NOT FOUND"`. */
  status: string;
  /** Runs the response as a gateway app. */
  wsgiApp: WsgiApp;
}

/** Builds the response for an HTTP error from its HTML body, status and headers. */
export type ResponseFactory = (
  body: string,
  init: { status: number; headers: [string, string][] },
) => ResponseLike;

const encoder = new TextEncoder();

/** The response used until a richer factory is installed: a fixed UTF-8 body. */
class MinimalResponse implements ResponseLike {
  statusCode: number;
  status: string;
  headers: [string, string][];
  data: Uint8Array;
  constructor(body: string, init: { status: number; headers: [string, string][] }) {
    this.statusCode = init.status;
    this.status = statusLine(init.status);
    this.data = encoder.encode(body);
    this.headers = [...init.headers, ["Content-Length", String(this.data.length)]];
  }
  wsgiApp: WsgiApp = (_environ: Environ, startResponse: StartResponse): Body => {
    startResponse(this.status, this.headers);
    return [this.data];
  };
}

const minimalResponse: ResponseFactory = (body, init) => new MinimalResponse(body, init);
let responseFactory: ResponseFactory = minimalResponse;

/**
 * Replaces the factory `HTTPException.getResponse()` uses to build its response.
 * `framework/wrappers/response.ts` calls this at load time so errors become phial
 * `Response`s.
 *
 * @param factory Receives the HTML body, the status code and the headers; `null` puts
 *   back the built-in minimal response.
 */
export function setResponseFactory(factory: ResponseFactory | null): void {
  responseFactory = factory ?? minimalResponse;
}

/**
 * Escapes `&`, `<`, `>`, `"` and `'` for HTML, as markupsafe does.
 *
 * @param text Any text.
 * @returns The text safe to put inside HTML elements and quoted attributes.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};

/**
 * The base of every HTTP error. Throw a subclass from a view (or call `abort`) and the
 * framework answers with its response; an exception is also a gateway app on its own.
 *
 * A subclass sets its defaults with `static override code` and `static override
 * description`; the constructor copies them onto the instance.
 *
 * @example A custom HTTP error
 * ```ts
 * import { HTTPException } from "@phial/phial";
 * class InsufficientStorage extends HTTPException {
 *   static override code = 507;
 *   static override description = "The disk is full.";
 * }
 * new InsufficientStorage().getBody(); // "<!doctype html>\n…<title>507 Insufficient Storage</title>…"
 * ```
 */
export class HTTPException extends Error {
  /** The default status code of this class (`0` for the bare base class). */
  static code: number = 0;
  /** The default description of this class. */
  static description: string = "";

  /** The status code, e.g. `404` (`0` for a bare `HTTPException`). */
  code: number;
  /** The text shown in the error page; defaults to the class's description. */
  description: string;
  /** A response to send instead of the generated page (as Werkzeug's `response`). */
  response: ResponseLike | undefined;

  /**
   * Creates the exception with the class's status code.
   *
   * @param description Overrides the class's default description.
   * @param response A response to return from `getResponse()` instead of the error page.
   */
  constructor(description?: string, response?: ResponseLike) {
    super();
    const cls = new.target as typeof HTTPException;
    this.code = cls.code;
    this.description = description ?? cls.description;
    this.response = response;
  }

  /** The status's reason phrase, e.g. `"Not Found"` (`"Unknown Error"` if unknown). */
  override get name(): string {
    return statusReason(this.code);
  }

  /** `"404 Not Found: <description>"`, as Werkzeug's `str(exc)`. */
  override get message(): string {
    return `${this.code || "???"} ${this.name}: ${this.description}`;
  }

  /**
   * The description as an HTML paragraph: escaped, newlines as `<br>`.
   *
   * @param _environ The request's environ, for subclasses that adapt the text.
   * @returns `<p>…</p>`.
   */
  getDescription(_environ?: Environ): string {
    return `<p>${escapeHtml(this.description).replaceAll("\n", "<br>")}</p>`;
  }

  /**
   * The HTML error page, exactly as Werkzeug renders it.
   *
   * @param environ The request's environ, if any.
   * @returns The page's HTML.
   */
  getBody(environ?: Environ): string {
    const name = escapeHtml(this.name);
    return `<!doctype html>\n<html lang=en>\n<title>${this.code} ${name}</title>\n<h1>${name}</h1>\n${
      this.getDescription(environ)
    }\n`;
  }

  /**
   * The response headers: `Content-Type` and whatever the subclass adds (`Allow`, …).
   *
   * @param _environ The request's environ, if any.
   * @returns Fresh header pairs.
   */
  getHeaders(_environ?: Environ): [string, string][] {
    return [["Content-Type", "text/html; charset=utf-8"]];
  }

  /**
   * The response for this error: `this.response` when one was given, otherwise the
   * error page built through the response factory (see `setResponseFactory`).
   *
   * @param environ The request's environ, if any.
   * @returns A response object.
   */
  getResponse(environ?: Environ): ResponseLike {
    if (this.response !== undefined) return this.response;
    return responseFactory(this.getBody(environ), {
      status: this.code,
      headers: this.getHeaders(environ),
    });
  }

  /**
   * Runs the error as a gateway app (Werkzeug's `exc(environ, start_response)`).
   *
   * @param environ The request's environ.
   * @param startResponse The server's `startResponse`.
   * @returns The response body.
   */
  wsgiApp(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    return this.getResponse(environ).wsgiApp(environ, startResponse);
  }

  /** `"404 Not Found: <description>"`, as Werkzeug's `str(exc)`. */
  override toString(): string {
    return this.message;
  }
}

/** *400* The request could not be understood. */
export class BadRequest extends HTTPException {
  /** The status code, 400. */
  static override code = 400;
  /** Werkzeug's default description. */
  static override description =
    "The browser (or proxy) sent a request that this server could not understand.";
}

/** *400* A missing key in a request data structure (Werkzeug's `BadRequestKeyError`). */
export class BadRequestKeyError extends BadRequest {
  /** The key that was missing. */
  key: string | undefined;
  /**
   * Creates the error for a missing `key`.
   *
   * @param key The missing key.
   * @param description Overrides the default description.
   */
  constructor(key?: string, description?: string) {
    super(description);
    this.key = key;
  }
}

/** *400* The client went away while its request was being read. */
export class ClientDisconnected extends BadRequest {}

/** *400* Something in the request triggered a security check. */
export class SecurityError extends BadRequest {}

/** *400* The `Host` header is malformed or not trusted. */
export class BadHost extends BadRequest {}

/**
 * *401* Authentication is required. `wwwAuthenticate` values become one
 * `WWW-Authenticate` header each.
 */
export class Unauthorized extends HTTPException {
  /** The status code, 401. */
  static override code = 401;
  /** Werkzeug's default description. */
  static override description =
    "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.";
  /** The `WWW-Authenticate` challenges (anything whose `String()` is a header value). */
  wwwAuthenticate: unknown[] | undefined;
  /**
   * Creates the error with optional `WWW-Authenticate` challenges.
   *
   * @param description Overrides the default description.
   * @param response A response to send instead of the error page.
   * @param wwwAuthenticate One challenge or a list of them.
   */
  constructor(description?: string, response?: ResponseLike, wwwAuthenticate?: unknown) {
    super(description, response);
    this.wwwAuthenticate = wwwAuthenticate === undefined || wwwAuthenticate === null
      ? undefined
      : Array.isArray(wwwAuthenticate)
      ? wwwAuthenticate
      : [wwwAuthenticate];
  }
  /** The base headers plus one `WWW-Authenticate` header per challenge. */
  override getHeaders(environ?: Environ): [string, string][] {
    const headers = super.getHeaders(environ);
    for (const value of this.wwwAuthenticate ?? []) {
      headers.push(["WWW-Authenticate", String(value)]);
    }
    return headers;
  }
}

/** *403* The client may not access the resource. */
export class Forbidden extends HTTPException {
  /** The status code, 403. */
  static override code = 403;
  /** Werkzeug's default description. */
  static override description =
    "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.";
}

/** *404* No resource at this URL. */
export class NotFound extends HTTPException {
  /** The status code, 404. */
  static override code = 404;
  /** Werkzeug's default description. */
  static override description =
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";
}

/**
 * *405* The resource exists but not for this method; `validMethods` becomes the
 * `Allow` header.
 *
 * @example
 * ```ts
 * import { MethodNotAllowed } from "@phial/phial";
 * new MethodNotAllowed(["GET", "HEAD"]).getHeaders();
 * // [["Content-Type", "text/html; charset=utf-8"], ["Allow", "GET, HEAD"]]
 * ```
 */
export class MethodNotAllowed extends HTTPException {
  /** The status code, 405. */
  static override code = 405;
  /** Werkzeug's default description. */
  static override description = "The method is not allowed for the requested URL.";
  /** The methods the resource accepts (the `Allow` header). */
  validMethods: string[];
  /**
   * Creates the error with the methods the resource accepts.
   *
   * @param validMethods The methods the resource accepts.
   * @param description Overrides the default description.
   * @param response A response to send instead of the error page.
   */
  constructor(validMethods?: Iterable<string>, description?: string, response?: ResponseLike) {
    super(description, response);
    this.validMethods = validMethods === undefined || validMethods === null
      ? []
      : [...validMethods];
  }
  /** The base headers plus `Allow` when `validMethods` is not empty. */
  override getHeaders(environ?: Environ): [string, string][] {
    const headers = super.getHeaders(environ);
    if (this.validMethods.length > 0) headers.push(["Allow", this.validMethods.join(", ")]);
    return headers;
  }
}

/** *406* No representation matches the request's `Accept*` headers. */
export class NotAcceptable extends HTTPException {
  /** The status code, 406. */
  static override code = 406;
  /** Werkzeug's default description. */
  static override description =
    "The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.";
}

/** *408* The client took too long to send its request. */
export class RequestTimeout extends HTTPException {
  /** The status code, 408. */
  static override code = 408;
  /** Werkzeug's default description. */
  static override description =
    "The server closed the network connection because the browser didn't finish the request within the specified time.";
}

/** *409* The request conflicts with the resource's current state. */
export class Conflict extends HTTPException {
  /** The status code, 409. */
  static override code = 409;
  /** Werkzeug's default description. */
  static override description =
    "A conflict happened while processing the request. The resource might have been modified while the request was being processed.";
}

/** *410* The resource is gone for good. */
export class Gone extends HTTPException {
  /** The status code, 410. */
  static override code = 410;
  /** Werkzeug's default description. */
  static override description =
    "The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.";
}

/** *411* A `Content-Length` header is required. */
export class LengthRequired extends HTTPException {
  /** The status code, 411. */
  static override code = 411;
  /** Werkzeug's default description. */
  static override description =
    "A request with this method requires a valid <code>Content-Length</code> header.";
}

/** *412* An `If-*` precondition failed. */
export class PreconditionFailed extends HTTPException {
  /** The status code, 412. */
  static override code = 412;
  /** Werkzeug's default description. */
  static override description =
    "The precondition on the request for the URL failed positive evaluation.";
}

/** *413* The request body is too large. */
export class RequestEntityTooLarge extends HTTPException {
  /** The status code, 413. */
  static override code = 413;
  /** Werkzeug's default description. */
  static override description = "The data value transmitted exceeds the capacity limit.";
}

/** *414* The request URL is too long. */
export class RequestURITooLarge extends HTTPException {
  /** The status code, 414. */
  static override code = 414;
  /** Werkzeug's default description. */
  static override description =
    "The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.";
}

/** *415* The request body's media type is not supported. */
export class UnsupportedMediaType extends HTTPException {
  /** The status code, 415. */
  static override code = 415;
  /** Werkzeug's default description. */
  static override description =
    "The server does not support the media type transmitted in the request.";
}

/**
 * *416* The requested range cannot be served; with `length`, sets
 * `Content-Range: <units> *\/<length>`.
 */
export class RequestedRangeNotSatisfiable extends HTTPException {
  /** The status code, 416. */
  static override code = 416;
  /** Werkzeug's default description. */
  static override description = "The server cannot provide the requested range.";
  /** The full length of the resource, if known. */
  length: number | undefined;
  /** The range units, `"bytes"` by default. */
  units: string;
  /**
   * Creates the error, with the resource's full length if known.
   *
   * @param length The full length of the resource (sets `Content-Range`).
   * @param units The range units.
   * @param description Overrides the default description.
   * @param response A response to send instead of the error page.
   */
  constructor(
    length?: number,
    units: string = "bytes",
    description?: string,
    response?: ResponseLike,
  ) {
    super(description, response);
    this.length = length ?? undefined;
    this.units = units;
  }
  /** The base headers plus `Content-Range` when `length` is known. */
  override getHeaders(environ?: Environ): [string, string][] {
    const headers = super.getHeaders(environ);
    if (this.length !== undefined) {
      headers.push(["Content-Range", `${this.units} */${this.length}`]);
    }
    return headers;
  }
}

/** *417* The `Expect` header cannot be met. */
export class ExpectationFailed extends HTTPException {
  /** The status code, 417. */
  static override code = 417;
  /** Werkzeug's default description. */
  static override description = "The server could not meet the requirements of the Expect header";
}

/** *418* The server is a teapot. */
export class ImATeapot extends HTTPException {
  /** The status code, 418. */
  static override code = 418;
  /** Werkzeug's default description. */
  static override description = "This server is a teapot, not a coffee machine";
}

/** *421* The request reached a server that cannot answer for it. */
export class MisdirectedRequest extends HTTPException {
  /** The status code, 421. */
  static override code = 421;
  /** Werkzeug's default description. */
  static override description = "The server is not able to produce a response.";
}

/** *422* The request is well-formed but semantically wrong. */
export class UnprocessableEntity extends HTTPException {
  /** The status code, 422. */
  static override code = 422;
  /** Werkzeug's default description. */
  static override description =
    "The request was well-formed but was unable to be followed due to semantic errors.";
}

/** *423* The resource is locked. */
export class Locked extends HTTPException {
  /** The status code, 423. */
  static override code = 423;
  /** Werkzeug's default description. */
  static override description = "The resource that is being accessed is locked.";
}

/** *424* A request this one depended on failed. */
export class FailedDependency extends HTTPException {
  /** The status code, 424. */
  static override code = 424;
  /** Werkzeug's default description. */
  static override description =
    "The method could not be performed on the resource because the requested action depended on another action and that action failed.";
}

/** *428* The request must be conditional. */
export class PreconditionRequired extends HTTPException {
  /** The status code, 428. */
  static override code = 428;
  /** Werkzeug's default description. */
  static override description =
    'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".';
}

/** Base of the errors that accept `retryAfter` (seconds or a `Date`) → `Retry-After`. */
export class RetryAfterException extends HTTPException {
  /** Seconds to wait, or the `Date` to retry after. */
  retryAfter: number | Date | undefined;
  /**
   * Creates the error with an optional `Retry-After` value.
   *
   * @param description Overrides the default description.
   * @param response A response to send instead of the error page.
   * @param retryAfter Seconds, or a `Date`, for the `Retry-After` header.
   */
  constructor(description?: string, response?: ResponseLike, retryAfter?: number | Date) {
    super(description, response);
    this.retryAfter = retryAfter ?? undefined;
  }
  /** The base headers plus `Retry-After` when `retryAfter` is set (a `Date` or non-zero seconds). */
  override getHeaders(environ?: Environ): [string, string][] {
    const headers = super.getHeaders(environ);
    const after = this.retryAfter;
    if (after instanceof Date) headers.push(["Retry-After", httpDate(after)]);
    else if (after) headers.push(["Retry-After", String(after)]);
    return headers;
  }
}

/** *429* Rate limit exceeded; `retryAfter` sets `Retry-After`. */
export class TooManyRequests extends RetryAfterException {
  /** The status code, 429. */
  static override code = 429;
  /** Werkzeug's default description. */
  static override description =
    "This user has exceeded an allotted request count. Try again later.";
}

/** *431* A header field (or all of them) is too large. */
export class RequestHeaderFieldsTooLarge extends HTTPException {
  /** The status code, 431. */
  static override code = 431;
  /** Werkzeug's default description. */
  static override description = "One or more header fields exceeds the maximum size.";
}

/** *451* Unavailable for legal reasons. */
export class UnavailableForLegalReasons extends HTTPException {
  /** The status code, 451. */
  static override code = 451;
  /** Werkzeug's default description. */
  static override description = "Unavailable for legal reasons.";
}

/** *500* The application failed. */
export class InternalServerError extends HTTPException {
  /** The status code, 500. */
  static override code = 500;
  /** Werkzeug's default description. */
  static override description =
    "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.";
  /** The error that caused this one, if any (Flask's `original_exception`). */
  originalException: unknown;
  /**
   * Creates the error, optionally wrapping the error that caused it.
   *
   * @param description Overrides the default description.
   * @param response A response to send instead of the error page.
   * @param originalException The error being reported.
   */
  constructor(description?: string, response?: ResponseLike, originalException?: unknown) {
    super(description, response);
    this.originalException = originalException;
  }
}

/** *501* The server does not support this action. */
export class NotImplemented extends HTTPException {
  /** The status code, 501. */
  static override code = 501;
  /** Werkzeug's default description. */
  static override description = "The server does not support the action requested by the browser.";
}

/** *502* An upstream server answered badly. */
export class BadGateway extends HTTPException {
  /** The status code, 502. */
  static override code = 502;
  /** Werkzeug's default description. */
  static override description =
    "The proxy server received an invalid response from an upstream server.";
}

/** *503* Temporarily unavailable; `retryAfter` sets `Retry-After`. */
export class ServiceUnavailable extends RetryAfterException {
  /** The status code, 503. */
  static override code = 503;
  /** Werkzeug's default description. */
  static override description =
    "The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.";
}

/** *504* An upstream server timed out. */
export class GatewayTimeout extends HTTPException {
  /** The status code, 504. */
  static override code = 504;
  /** Werkzeug's default description. */
  static override description = "The connection to an upstream server timed out.";
}

/** *505* The request's HTTP version is not supported. */
export class HTTPVersionNotSupported extends HTTPException {
  /** The status code, 505. */
  static override code = 505;
  /** Werkzeug's default description. */
  static override description =
    "The server does not support the HTTP protocol version used in the request.";
}

/** An HTTP error class: constructible with no arguments and with a static `code`. */
export type HTTPExceptionClass = (new () => HTTPException) & { code: number };

/** The exception class per status code, as Werkzeug's `default_exceptions`. */
export const defaultExceptions: Readonly<Record<number, HTTPExceptionClass>> = Object.freeze(
  Object.fromEntries(
    [
      BadRequest,
      Unauthorized,
      Forbidden,
      NotFound,
      MethodNotAllowed,
      NotAcceptable,
      RequestTimeout,
      Conflict,
      Gone,
      LengthRequired,
      PreconditionFailed,
      RequestEntityTooLarge,
      RequestURITooLarge,
      UnsupportedMediaType,
      RequestedRangeNotSatisfiable,
      ExpectationFailed,
      ImATeapot,
      MisdirectedRequest,
      UnprocessableEntity,
      Locked,
      FailedDependency,
      PreconditionRequired,
      TooManyRequests,
      RequestHeaderFieldsTooLarge,
      UnavailableForLegalReasons,
      InternalServerError,
      NotImplemented,
      BadGateway,
      ServiceUnavailable,
      GatewayTimeout,
      HTTPVersionNotSupported,
    ].map((cls) => [cls.code, cls as HTTPExceptionClass]),
  ),
);

/** Thrown by `abort()` for a status code that has no exception class (Python's `LookupError`). */
export class LookupError extends Error {
  /** Always `"LookupError"`. */
  override name = "LookupError";
}

function isResponseLike(value: unknown): value is ResponseLike {
  return typeof value === "object" && value !== null &&
    typeof (value as { wsgiApp?: unknown }).wsgiApp === "function";
}

/**
 * Throws HTTP exceptions by status code from a mapping (Werkzeug's `Aborter`).
 *
 * @example An aborter that knows a custom code
 * ```ts
 * import { Aborter, HTTPException } from "@phial/phial";
 * class Full extends HTTPException { static override code = 507; }
 * const abort = new Aborter(undefined, { 507: Full });
 * try { abort.abort(507); } catch (e) { (e as HTTPException).code; } // 507
 * ```
 */
export class Aborter {
  /** Status code → exception class. */
  mapping: Record<number, HTTPExceptionClass>;
  /**
   * Creates an aborter from a status code → exception class table.
   *
   * @param mapping Replaces the default table (`defaultExceptions`).
   * @param extra Entries added on top.
   */
  constructor(
    mapping?: Record<number, HTTPExceptionClass>,
    extra?: Record<number, HTTPExceptionClass>,
  ) {
    this.mapping = { ...(mapping ?? defaultExceptions), ...(extra ?? {}) };
  }

  /**
   * Throws the exception for `status` (with `description` if given), or an
   * `HTTPException` carrying `status` as its response when it is a response object.
   *
   * @param status A status code, or a response to send as is.
   * @param description Overrides the exception's default description.
   * @throws {HTTPException} always, or {@linkcode LookupError} for an unknown code.
   */
  abort(status: number | ResponseLike, description?: string): never {
    if (isResponseLike(status)) throw new HTTPException(undefined, status);
    const cls = Object.hasOwn(this.mapping, status) ? this.mapping[status] : undefined;
    if (cls === undefined) throw new LookupError(`no exception for ${status}`);
    const exc = new cls();
    if (description !== undefined) exc.description = description;
    throw exc;
  }
}

const defaultAborter = new Aborter();

/**
 * Throws the HTTP exception for a status code, or wraps a response in one.
 *
 * @param status A status code (`404`), or a response object to send as is.
 * @param description Overrides the exception's default description.
 * @throws {HTTPException} always; a {@linkcode LookupError} for a code with no class.
 * @example
 * ```ts
 * import { abort, NotFound } from "@phial/phial";
 * try { abort(404, "No such user."); } catch (e) { e instanceof NotFound; } // true
 * ```
 */
export function abort(status: number | ResponseLike, description?: string): never {
  return defaultAborter.abort(status, description);
}
