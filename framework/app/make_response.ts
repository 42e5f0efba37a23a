/**
 * `viewReturnToResponse`: Flask's `make_response` rules, turning what a view returned into
 * a response, as a pure function the application calls once per request.
 *
 * @module
 */

import type { AppObject, Environ } from "../gateway/types.ts";
import { Headers } from "../http/headers.ts";
import { Response, type ResponseInit, type StatusInit } from "../wrappers/response.ts";
import type { JSONProvider } from "./json_provider.ts";
import { isPlainObject } from "../gateway/is_plain_object.ts";
import { isThenable } from "../gateway/is_thenable.ts";
import { isAsyncIterable, isSyncIterable } from "../wrappers/response_body.ts";

/** Options of {@linkcode viewReturnToResponse}: what Flask reads from the app and request. */
export interface MakeResponseOptions {
  /** The class responses are made with: phial's `Response` or a subclass (Flask's `response_class`). */
  responseClass: typeof Response;
  /** Makes the JSON responses for plain objects and arrays (`json.response(value)`). */
  json: JSONProvider;
  /** The request's environ, which a gateway app returned by the view is run against. */
  environ: Environ;
  /** The view's endpoint, named in error messages. */
  endpoint?: string | null;
}

/** The headers a view may return in a tuple: a record, a `Headers`, or `[name, value]` pairs. */
export type TupleHeaders =
  | Record<string, unknown>
  | Headers
  | globalThis.Headers
  | [string, string][];

type Unpacked = [body: unknown, status: StatusInit | undefined, headers: TupleHeaders | undefined];

// A status in a tuple: a three-digit code, alone or followed by a reason phrase.
const STATUS_TEXT_RE = /^\s*[1-9][0-9]{2}(?:\s|$)/;

function isStatus(value: unknown): value is StatusInit {
  if (typeof value === "number") return Number.isInteger(value) && value >= 100 && value <= 999;
  return typeof value === "string" && STATUS_TEXT_RE.test(value);
}

function isHeaders(value: unknown): value is TupleHeaders {
  if (value instanceof Headers || value instanceof globalThis.Headers) return true;
  if (isPlainObject(value)) return true;
  return Array.isArray(value) && value.length > 0 &&
    value.every((pair) =>
      Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string" &&
      typeof pair[1] === "string"
    );
}

/** Streamed bodies: a `ReadableStream` or any iterable / async iterable object but bytes. */
function isStream(value: object): boolean {
  return value instanceof ReadableStream || isSyncIterable(value) || isAsyncIterable(value);
}

/**
 * Whether `value` can only be a response body, never an item of JSON data: bytes,
 * responses, functions, streams and app objects. An array that starts with one is a tuple.
 */
function isOnlyABody(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (isAppObject(value)) return true;
  if (isPlainObject(value)) return false;
  return value instanceof Uint8Array || value instanceof Response ||
    value instanceof globalThis.Response || isStream(value);
}

/** An object with a `wsgiApp` method: an app object (Flask's "WSGI callable"). */
function isAppObject(value: object): boolean {
  return typeof (value as { wsgiApp?: unknown }).wsgiApp === "function";
}

/** Whether `value` may start a tuple whose tail fits: JSON-able bodies and `undefined`/`null`. */
function mayBeABody(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string" ||
    Array.isArray(value) || isPlainObject(value);
}

function viewName(endpoint: string | null | undefined): string {
  return endpoint === undefined || endpoint === null
    ? "The view function"
    : `The view function for '${endpoint}'`;
}

function tupleError(endpoint: string | null | undefined): TypeError {
  return new TypeError(
    `${viewName(endpoint)} did not return a valid response tuple. The tuple must have the ` +
      "form [body, status, headers], [body, status], or [body, headers], where the status is " +
      'an integer from 100 to 999 or a string such as "201 Created" and the headers are a ' +
      "plain object, a Headers, or an array of [name, value] string pairs.",
  );
}

function typeName(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  return (value as { constructor?: { name?: unknown } }).constructor?.name as string || "object";
}

function invalidTypeMessage(endpoint: string | null | undefined, rv: unknown): string {
  const hint = isThenable(rv) ? " (await it before making a response)" : "";
  return `${viewName(endpoint)} did not return a valid response. The return type must be a ` +
    "string, Uint8Array, plain object, array, array with status or headers, Response " +
    "instance (phial or fetch), iterable, async iterable, ReadableStream, or gateway app, " +
    `but it was a ${typeName(rv)}${hint}.`;
}

/**
 * Tells a tuple from JSON data: `[body, status, headers]`, `[body, status]` or
 * `[body, headers]` (see {@linkcode viewReturnToResponse}); `null` for JSON.
 */
function unpackTuple(rv: unknown[], endpoint: string | null | undefined): Unpacked | null {
  const body = rv[0];
  const strict = isOnlyABody(body);
  if (!strict && !mayBeABody(body)) return null;
  if (rv.length === 3 && isStatus(rv[1]) && isHeaders(rv[2])) return [body, rv[1], rv[2]];
  if (rv.length === 2) {
    const tail = rv[1];
    if (isStatus(tail)) {
      // Two strings are data (["a", "201"]), whatever the second one looks like.
      if (!(typeof body === "string" && typeof tail === "string")) return [body, tail, undefined];
    } else if (isHeaders(tail)) {
      // Two records are data ([{...}, {...}]): headers after a record need a status or a Headers.
      if (!(isPlainObject(tail) && (isPlainObject(body) || body == null))) {
        return [body, undefined, tail];
      }
    }
  }
  if (strict) throw tupleError(endpoint);
  return null;
}

function applyTuple(
  response: Response,
  status: StatusInit | undefined,
  headers: TupleHeaders | undefined,
): Response {
  if (status !== undefined) {
    if (typeof status === "string") response.status = status;
    else response.statusCode = status;
  }
  if (headers !== undefined) response.headers.update(headers);
  return response;
}

/**
 * Turns what a view returned into a response of `options.responseClass`, by Flask 3.1's
 * `make_response` rules (the API's "What a view may return"):
 *
 * - a `string` is the body (`text/html; charset=utf-8`), a `Uint8Array` the bytes;
 * - a plain object, or an array that is not a tuple, is JSON (`options.json.response(rv)`);
 * - a phial `Response` is used as is; one that is not a `responseClass` is re-classed as
 *   Werkzeug's `force_type` does (same object, new prototype);
 * - a `ReadableStream`, or any other iterable or async iterable object (a generator, …),
 *   is streamed;
 * - a fetch `Response` is converted by `responseClass.forceType` (its body streams), and a
 *   gateway app (any function, or any object with a `wsgiApp` method, even a literal:
 *   Flask's "WSGI callable") is run against `options.environ` and its output buffered. These two give a
 *   promise; everything else gives a `Response` synchronously, with no promise in between.
 *
 * Flask's tuples are arrays. The test, in order: an array of length 2 or 3 whose first
 * item is a body, then `[body, status, headers]`, `[body, status]` or `[body, headers]`,
 * where a status is an integer from 100 to 999 or a string starting with a three-digit
 * code (`"201"`, `"201 Created"`), and headers are a plain object, a phial or fetch
 * `Headers`, or a non-empty array of `[string, string]` pairs. Any other array is JSON, and
 * so are two cases that look like a tuple but are far likelier data: two strings
 * (`["a", "201"]`) and two plain objects (`[{...}, {...}]`, also with `null` first). So
 * `[{ error: "x" }, 404]`, `["Created", 201, { Location: "/x" }]` and `["x", { "X-A": "1" }]`
 * are tuples, while `[1, 2]` and `["a", "b"]` are JSON; after a record, headers need a
 * status or a `Headers` (`[{ ok: true }, 200, { "X-A": "1" }]`). An array whose first item
 * can only be a body (bytes, a response, a function, a stream) is always a tuple, and a
 * wrong shape is Flask's tuple `TypeError`. An array body inside a tuple is JSON, never
 * a nested tuple.
 *
 * The status and headers are applied as Flask does: a string, bytes or stream body gets
 * them through the constructor (headers added, so repeated pairs all stay); any other
 * body gets `status` (a string) or `statusCode` (a number) set and `headers.update(...)`,
 * which replaces the values of the headers it names.
 *
 * @param rv The view's return value (already awaited).
 * @param options The response class, JSON provider, environ and endpoint.
 * @returns The response, or a promise of it for a gateway app or a fetch `Response`.
 * @throws {TypeError} For `undefined`/`null` (also as a tuple's body), a bad tuple, or any
 *   other type, with Flask's messages naming the view. For a gateway app or fetch
 *   `Response`, the promise rejects with Flask's message when the conversion throws a
 *   `TypeError` (the original is the `cause`).
 *
 * @example Tuples, JSON and plain strings
 * ```ts
 * import {
 *   DefaultJSONProvider,
 *   EnvironBuilder,
 *   Response,
 *   viewReturnToResponse,
 * } from "@phial/phial";
 * const options = {
 *   responseClass: Response,
 *   json: new DefaultJSONProvider(),
 *   environ: new EnvironBuilder("/items").getEnviron(),
 *   endpoint: "items",
 * };
 * const created = viewReturnToResponse(["Created", 201, { Location: "/items/1" }], options);
 * if (created instanceof Response) {
 *   created.status; // "201 CREATED"
 *   created.headers.get("Location"); // "/items/1"
 * }
 * const missing = viewReturnToResponse([{ error: "no such item" }, 404], options);
 * if (missing instanceof Response) missing.headers.get("Content-Type"); // "application/json"
 * ```
 */
export function viewReturnToResponse(
  rv: unknown,
  options: MakeResponseOptions,
): Response | Promise<Response> {
  const { responseClass, endpoint } = options;
  let status: StatusInit | undefined;
  let headers: TupleHeaders | undefined;
  if (Array.isArray(rv)) {
    const tuple = unpackTuple(rv, endpoint);
    if (tuple === null) return options.json.response(rv);
    [rv, status, headers] = tuple;
  }

  if (rv === undefined || rv === null) {
    throw new TypeError(
      `${viewName(endpoint)} did not return a valid response. The function either returned ${
        rv === null ? "null" : "undefined or ended without a return statement"
      }.`,
    );
  }
  if (rv instanceof responseClass) return applyTuple(rv, status, headers);
  if (typeof rv === "string" || rv instanceof Uint8Array) {
    return new responseClass(rv, responseInit(status, headers));
  }
  if (Array.isArray(rv) || (isPlainObject(rv) && !isAppObject(rv))) {
    return applyTuple(options.json.response(rv), status, headers);
  }
  if (rv instanceof Response) {
    // Werkzeug's force_type re-classes the very object; no I/O, so no promise.
    return applyTuple(Object.setPrototypeOf(rv, responseClass.prototype), status, headers);
  }
  if (typeof rv === "object" && !(rv instanceof globalThis.Response) && isStream(rv)) {
    return new responseClass(rv as ReadableStream, responseInit(status, headers));
  }
  if (
    rv instanceof globalThis.Response || typeof rv === "function" ||
    (typeof rv === "object" && isAppObject(rv))
  ) {
    const app = rv as AppObject | globalThis.Response;
    return responseClass.forceType(app, options.environ).then(
      (response) => applyTuple(response, status, headers),
      (error: unknown) => {
        if (!(error instanceof TypeError)) throw error;
        throw new TypeError(`${error.message}\n${invalidTypeMessage(endpoint, app)}`, {
          cause: error,
        });
      },
    );
  }
  throw new TypeError(invalidTypeMessage(endpoint, rv));
}

function responseInit(
  status: StatusInit | undefined,
  headers: TupleHeaders | undefined,
): ResponseInit | undefined {
  if (status === undefined && headers === undefined) return undefined;
  const init: ResponseInit = {};
  if (status !== undefined) init.status = status;
  if (headers !== undefined) init.headers = headers;
  return init;
}
