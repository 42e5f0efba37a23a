/**
 * The fetch adapter's first half: a fetch `Request` (from `Deno.serve`, Deno Deploy, or
 * any fetch-style runtime) turned into an {@linkcode Environ}.
 *
 * @module
 */
import type { Environ } from "./types.ts";
import { BodyInput, bytesInput } from "./input_stream.ts";
import { stderrErrors } from "./error_stream.ts";
import { decodePathInfo } from "./path_decoding.ts";
import { lazyEnvirons } from "./lazy_environ.ts";

/** What a fetch runtime tells a handler about the connection (`Deno.ServeHandlerInfo`). */
export interface FetchRequestInfo {
  /** The client's address; only `hostname` and `port` are read. */
  readonly remoteAddr?: { readonly hostname: string; readonly port: number } | Deno.Addr;
}

const VERSION = Object.freeze([1, 0]) as unknown as [1, 0];
// GET and HEAD requests have no body in fetch (`request.body` is null): they share one
// ended input, as reading it changes nothing.
const NO_BODY = bytesInput(new Uint8Array(0));
/**
 * A lazily started reader of a request's body: `request.body` is not touched until the
 * app reads `wsgi.input`.
 */
function bodyPull(request: Request): () => Promise<Uint8Array | null> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | null | undefined;
  return () => {
    if (reader === undefined) {
      const body = request.body;
      reader = body === null ? null : body.getReader();
    }
    if (reader === null) return Promise.resolve(null);
    return reader.read().then((r) => r.done ? null : r.value);
  };
}

// CGI keys of the header names seen so far (most requests repeat a handful of names).
const headerKeys = new Map<string, string | null>();
const MAX_CACHED_KEYS = 1024;

function headerKey(name: string): string | null {
  let key = headerKeys.get(name);
  if (key !== undefined) return key;
  if (name.includes("_")) {
    // "X-Foo_Bar" must not spoof "X-Foo-Bar": drop it, as gunicorn and nginx do.
    key = null;
  } else if (name === "content-type") {
    key = "CONTENT_TYPE";
  } else if (name === "content-length") {
    key = "CONTENT_LENGTH";
  } else {
    key = "HTTP_" + name.toUpperCase().replaceAll("-", "_");
  }
  if (headerKeys.size < MAX_CACHED_KEYS) headerKeys.set(name, key);
  return key;
}

/** Puts one header of a fetch `Headers` into the environ given as `this`. */
function addHeader(this: Environ, rawValue: string, name: string): void {
  const key = headerKey(name);
  if (key === null) return;
  // A fetch Headers object joins repeated Cookie fields with ", "; cookie values cannot
  // contain a comma, so the CGI form ("; ") is recovered exactly.
  const value = name === "cookie" && rawValue.includes(", ")
    ? rawValue.replaceAll(", ", "; ")
    : rawValue;
  const previous = this[key];
  // Fetch joins repeated fields already; set-cookie is the one it yields apart.
  this[key] = previous === undefined
    ? value
    : `${previous}${name === "cookie" ? "; " : ", "}${value}`;
}

// REMOTE_PORT strings by port number: a keep-alive client sends many requests from one port.
const portStrings: (string | undefined)[] = [];

function portString(port: number | undefined): string {
  if (typeof port !== "number" || !(port >= 0 && port < 65536) || port % 1 !== 0) {
    return String(port);
  }
  return portStrings[port] ??= String(port);
}

/** Puts every key that comes from the request and its connection into the environ. */
function fillFromRequest(
  environ: Environ,
  request: Request,
  info: FetchRequestInfo | undefined,
): void {
  // The URL first: it is what throws if the request has been closed, before anything
  // has been written.
  const url = request.url;
  const schemeEnd = url.indexOf(":");
  const scheme = schemeEnd === 5 && url.charCodeAt(4) === 115 ? "https" : "http";
  const hostStart = schemeEnd + 3;
  let pathStart = url.indexOf("/", hostStart);
  if (pathStart === -1) pathStart = url.length;
  let end = url.indexOf("#", pathStart);
  if (end === -1) end = url.length;
  let queryStart = url.indexOf("?", pathStart);
  if (queryStart === -1 || queryStart > end) queryStart = end;

  const rawPath = pathStart < queryStart ? url.slice(pathStart, queryStart) : "/";
  const rawUri = queryStart < end ? rawPath + url.slice(queryStart, end) : rawPath;

  // The authority, without any user info.
  let authorityStart = hostStart;
  const at = url.lastIndexOf("@", pathStart);
  if (at >= hostStart) authorityStart = at + 1;
  let serverName: string;
  let serverPort: string;
  const bracket = url.charCodeAt(authorityStart) === 91 ? url.indexOf("]", authorityStart) : -1;
  const colon = url.lastIndexOf(":", pathStart - 1);
  if (colon > authorityStart && colon > bracket) {
    serverName = url.slice(authorityStart, colon);
    serverPort = url.slice(colon + 1, pathStart);
  } else {
    serverName = url.slice(authorityStart, pathStart);
    serverPort = scheme === "https" ? "443" : "80";
  }
  if (bracket !== -1) serverName = serverName.slice(1, -1);

  const method = request.method;
  environ.REQUEST_METHOD = method;
  environ.PATH_INFO = decodePathInfo(rawPath);
  environ.QUERY_STRING = queryStart < end ? url.slice(queryStart + 1, end) : "";
  environ.SERVER_NAME = serverName;
  environ.SERVER_PORT = serverPort;
  environ.RAW_URI = rawUri;
  environ.REQUEST_URI = rawUri;
  environ["wsgi.url_scheme"] = scheme;
  environ["wsgi.input"] = method === "GET" || method === "HEAD"
    ? NO_BODY
    : new BodyInput(bodyPull(request));
  const remote = info?.remoteAddr as { hostname?: string; port?: number } | undefined;
  if (remote !== undefined && typeof remote.hostname === "string") {
    environ.REMOTE_ADDR = remote.hostname;
    environ.REMOTE_PORT = portString(remote.port);
  }
  // forEach walks fetch's header list without an iterator result per header; the environ
  // goes in as `this`, which spares a closure.
  request.headers.forEach(addHeader, environ);
}

// The keys an environ has before the request is read.
const EAGER = new Set([
  "SCRIPT_NAME",
  "SERVER_PROTOCOL",
  "wsgi.version",
  "wsgi.errors",
  "wsgi.multithread",
  "wsgi.multiprocess",
  "wsgi.run_once",
  "wsgi.input_terminated",
  "deno.request",
]);
const lazy = lazyEnvirons(fillFromRequest, EAGER);

/**
 * Builds the environ for a fetch `Request`.
 *
 * `PATH_INFO` is percent-decoded (invalid escapes kept as written), `QUERY_STRING` raw,
 * `RAW_URI`/`REQUEST_URI` the path and query as sent; `SERVER_NAME`/`SERVER_PORT` come
 * from the URL, `REMOTE_ADDR`/`REMOTE_PORT` from `info.remoteAddr`. Each header becomes an
 * `HTTP_*` key (`Content-Type` and `Content-Length` become `CONTENT_TYPE` and
 * `CONTENT_LENGTH`; names containing `_` are dropped). `wsgi.input` reads `request.body`
 * lazily, and `deno.request` holds the request itself.
 *
 * The keys that come from the request are read from it when something first asks for one
 * of them (see `lazy_environ.ts`), so an app that never looks costs nothing. A request
 * served by `Deno.serve` can no longer be read once its response has been sent: an environ
 * kept past that point must have been read (or copied) while the request was served.
 *
 * @param request The fetch request.
 * @param info The runtime's connection info, if any.
 * @returns The environ.
 *
 * @example
 * ```ts
 * import { environFromRequest } from "@phial/phial";
 * const environ = environFromRequest(new Request("http://example.com/caf%C3%A9?x=1"));
 * environ.PATH_INFO; // "/café"
 * environ.QUERY_STRING; // "x=1"
 * ```
 */
export function environFromRequest(request: Request, info?: FetchRequestInfo): Environ {
  const environ = {
    // Placeholders of the keys the fill sets, so that they are part of the object's layout.
    REQUEST_METHOD: "",
    PATH_INFO: "",
    QUERY_STRING: "",
    SERVER_NAME: "",
    SERVER_PORT: "",
    RAW_URI: "",
    REQUEST_URI: "",
    "wsgi.url_scheme": "http",
    "wsgi.input": NO_BODY,
    SCRIPT_NAME: "",
    SERVER_PROTOCOL: "HTTP/1.1",
    "wsgi.version": VERSION,
    "wsgi.errors": stderrErrors,
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
    "deno.request": request,
  } as unknown as Environ;
  return lazy.wrap(environ, request, info);
}
