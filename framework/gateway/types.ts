/**
 * The gateway protocol's types: PEP 3333 (WSGI) spelled in TypeScript.
 *
 * A server turns each request into an {@linkcode Environ}, calls the app with it and a
 * {@linkcode StartResponse} callable, and sends back what the app returns.
 *
 * @module
 */

/**
 * `wsgi.input`: the request body, read lazily from the connection.
 *
 * It ends where the body ends (Content-Length or chunked framing), so reading past the
 * end returns an empty array rather than blocking.
 */
export interface InputStream {
  /** Reads up to `size` bytes, or everything left when `size` is omitted or negative. */
  read(size?: number): Promise<Uint8Array>;
  /** Reads one line, up to and including `\n`, or at most `size` bytes. */
  readline(size?: number): Promise<Uint8Array>;
  /** Yields the remaining body in chunks as they arrive. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
}

/** `wsgi.errors`: where an app writes diagnostics (the server's stderr by default). */
export interface ErrorStream {
  /** Writes a string (no newline is added). */
  write(text: string): void;
  /** Flushes anything buffered. */
  flush(): void;
}

/**
 * The request, CGI-style: one `HTTP_*` key per request header plus the `wsgi.*` keys.
 *
 * @example Reading an environ
 * ```ts
 * import type { Environ } from "@phial/phial";
 * function describe(environ: Environ): string {
 *   return `${environ.REQUEST_METHOD} ${environ.PATH_INFO} from ${environ.HTTP_HOST}`;
 * }
 * ```
 */
export type Environ = {
  REQUEST_METHOD: string;
  SCRIPT_NAME: string;
  PATH_INFO: string;
  QUERY_STRING: string;
  CONTENT_TYPE?: string;
  CONTENT_LENGTH?: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  SERVER_PROTOCOL: string;
  REMOTE_ADDR?: string;
  REMOTE_PORT?: string;
  /** One key per request header, CGI-style (`HTTP_USER_AGENT`). */
  [httpHeader: `HTTP_${string}`]: string;
  "wsgi.version": [1, 0];
  "wsgi.url_scheme": "http" | "https";
  "wsgi.input": InputStream;
  "wsgi.errors": ErrorStream;
  "wsgi.multithread": boolean;
  "wsgi.multiprocess": boolean;
  "wsgi.run_once": boolean;
  /** The input ends where the body ends (Content-Length or chunked). */
  "wsgi.input_terminated": true;
  /** Server and middleware extras, such as `"deno.request"`. */
  [key: string]: unknown;
};

/** The legacy `write()` callable that {@linkcode StartResponse} returns. */
export type WriteCallable = (data: Uint8Array) => void;

/**
 * Begins the response: a `"200 OK"`-shaped status and latin-1 header pairs.
 *
 * It may be called again only with `excInfo` (the error being handled); once the headers
 * have been sent, such a call re-throws `excInfo`.
 */
export type StartResponse = (
  status: string,
  headers: [string, string][],
  excInfo?: unknown,
) => WriteCallable;

/** A body chunk: bytes, or a string sent UTF-8 encoded. */
export type Chunk = Uint8Array | string;

/**
 * What an app returns: an iterable or async iterable of chunks, with an optional
 * `close()` that the server calls exactly once when the body is done or abandoned.
 */
export type Body =
  & (Iterable<Chunk> | AsyncIterable<Chunk>)
  & { close?(): void | Promise<void> };

/**
 * A gateway application: PEP 3333's `application(environ, start_response)`.
 *
 * @example The seed article's application
 * ```ts
 * import type { WsgiApp } from "@phial/phial";
 * const app: WsgiApp = (_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * };
 * ```
 */
export type WsgiApp = (
  environ: Environ,
  startResponse: StartResponse,
) => Body | Promise<Body>;

/** An object whose `wsgiApp` method is the application, looked up on every request. */
export interface WsgiAppObject {
  /** The gateway application. */
  wsgiApp: WsgiApp;
}

/** What servers accept: a {@linkcode WsgiApp} function or an object with `wsgiApp`. */
export type AppObject = WsgiApp | WsgiAppObject;
