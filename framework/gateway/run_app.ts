/**
 * `runApp`: what every server does with an app — call it with an environ and a
 * `startResponse`, enforce PEP 3333's rules on what it does, and hand the engine a status,
 * headers and the body's chunks.
 *
 * @module
 */
import type { AppObject, Body, Chunk, Environ, StartResponse, WriteCallable } from "./types.ts";
import { validateHeaders, validateStatus } from "./header_validation.ts";
import { reportError } from "./report_error.ts";
import { isThenable } from "./is_thenable.ts";

const encoder = new TextEncoder();
// Below this length an ASCII string chunk is copied byte by byte into a view of a shared
// slab. Each new ArrayBuffer costs ~0.8 µs in Deno (TextEncoder.encode allocates one per
// call); a view of an existing one ~20 ns. Slab space is never reused, so a chunk's bytes
// never change; only its `buffer` is shared with other chunks.
const SHORT_STRING = 256;
const SLAB_SIZE = 16 * 1024;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/**
 * A string chunk as UTF-8 bytes: short ASCII strings copied into the slab, anything else
 * through `TextEncoder`.
 */
function encodeString(text: string): Uint8Array {
  const n = text.length;
  if (n > SHORT_STRING) return encoder.encode(text);
  if (slabUsed + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const start = slabUsed;
  const out = slab;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[start + i] = c;
  }
  slabUsed = start + n;
  return out.subarray(start, start + n);
}
const RESOLVED: Promise<void> = Promise.resolve();
const NO_HEADERS: [string, string][] = [];
// How much of a synchronous iterable is drained before the engine is handed control:
// enough for every small response to finish in one go, bounded so that an endless
// generator cannot stall the event loop.
const SYNC_DRAIN_CHUNKS = 64;
const SYNC_DRAIN_BYTES = 64 * 1024;

/** What {@linkcode runApp} gives an engine once the app's headers are out. */
export interface AppResponse {
  /** The validated status line, such as `"200 OK"`. */
  status: string;
  /** The status code, such as `200`. */
  statusCode: number;
  /** The headers as the app gave them, validated (not copied). */
  headers: [string, string][];
  /** Body bytes produced so far: `write()` data, then the first non-empty chunk(s). */
  chunks: Uint8Array[];
  /**
   * The body is already exhausted: `chunks` is all of it and `close()` has been called,
   * so an engine may set `Content-Length`.
   */
  complete: boolean;
  /**
   * The next non-empty chunk, or `null` at the end (after which `close()` has been
   * called). Rejects if the app fails mid-body; `close()` is called then too.
   */
  next(): Promise<Uint8Array | null>;
  /** Ends the body early (the client went away); idempotent. */
  close(): Promise<void>;
}

type AnyIterator = Iterator<Chunk> | AsyncIterator<Chunk>;

/** One call of an app: its `startResponse`, its `write()` and its body. */
class AppRun implements AppResponse {
  status = "";
  statusCode = 0;
  headers: [string, string][] = NO_HEADERS;
  complete = false;

  #chunks: Uint8Array[] = [];
  // A lone string chunk, kept unencoded until someone reads `chunks` (a fetch Response
  // takes the string as it is, which spares an encode and a copy).
  #text: string | undefined = undefined;

  #environ: Environ;
  #started = false;
  #headersSent = false;
  #resolved = false;
  #body: Body | undefined = undefined;
  #iter: AnyIterator | undefined = undefined;
  #async = false;
  #exhausted = false;
  #done = false;
  #closing: Promise<void> | undefined = undefined;
  #pending: Uint8Array[] | undefined = undefined;
  #deferred: { error: unknown } | undefined = undefined;

  constructor(environ: Environ) {
    this.#environ = environ;
  }

  startResponse: StartResponse = (status, headers, excInfo?) => {
    if (excInfo !== undefined && excInfo !== null) {
      if (this.#headersSent) throw excInfo;
    } else if (this.#started) {
      throw new TypeError(
        "startResponse() was called a second time without excInfo: pass the error being " +
          "handled as the third argument to replace the status and headers",
      );
    }
    this.statusCode = validateStatus(status);
    validateHeaders(headers);
    this.status = status;
    this.headers = headers;
    this.#started = true;
    return this.write;
  };

  write: WriteCallable = (data) => {
    if (!this.#started) {
      throw new TypeError("write() was called before startResponse()");
    }
    if (this.#done) throw new TypeError("write() was called after the response ended");
    const bytes = toBytes(data as Chunk, "write()");
    if (bytes.length === 0) return;
    this.#headersSent = true;
    if (!this.#resolved) this.chunks.push(bytes);
    else (this.#pending ??= []).push(bytes);
  };

  /** Takes the body the app returned; gives this once the headers are out. */
  begin(body: Body): AppResponse | Promise<AppResponse> {
    this.#body = body;
    try {
      checkBody(body);
      if (Array.isArray(body)) {
        for (let i = 0; i < body.length; i++) this.#accept(body[i] as Chunk);
        return this.#finish();
      }
      if (typeof (body as Iterable<Chunk>)[Symbol.iterator] === "function") {
        const iter = (body as Iterable<Chunk>)[Symbol.iterator]();
        this.#iter = iter;
        return this.#drainSync(iter);
      }
      this.#async = true;
      this.#iter = (body as AsyncIterable<Chunk>)[Symbol.asyncIterator]();
      return this.#firstAsync(this.#iter as AsyncIterator<Chunk>);
    } catch (error) {
      return this.#fail(error);
    }
  }

  get chunks(): Uint8Array[] {
    if (this.#text !== undefined) {
      this.#chunks.push(encodeString(this.#text));
      this.#text = undefined;
    }
    return this.#chunks;
  }

  /**
   * The whole body as one string, when it is complete and was a single string chunk.
   *
   * @param response What {@linkcode runApp} gave.
   * @returns The body's text, or `undefined`.
   */
  static completeText(response: AppResponse): string | undefined {
    return response instanceof AppRun && response.complete ? response.#text : undefined;
  }

  /** Takes one chunk from the body into `chunks`; its size, 0 for an empty one. */
  #accept(chunk: Chunk): number {
    if (typeof chunk === "string") {
      if (chunk.length === 0) return 0;
      if (!this.#started) throw early();
      this.#headersSent = true;
      if (this.#chunks.length === 0 && this.#text === undefined) {
        this.#text = chunk;
        return chunk.length;
      }
      const bytes = encodeString(chunk);
      this.chunks.push(bytes);
      return bytes.length;
    }
    const bytes = toBytes(chunk, "The body");
    if (bytes.length === 0) return 0;
    if (!this.#started) throw early();
    this.#headersSent = true;
    this.chunks.push(bytes);
    return bytes.length;
  }

  #drainSync(iter: Iterator<Chunk>): AppResponse | Promise<AppResponse> {
    let count = 0;
    let bytes = 0;
    for (;;) {
      let size: number;
      try {
        const step = iter.next();
        if (step.done) return this.#finish();
        size = this.#accept(step.value);
        if (size === 0) continue;
      } catch (error) {
        if (!this.#headersSent) return this.#fail(error);
        // Headers are out: the engine learns of the failure from next().
        this.#deferred = { error };
        return this.#resolve();
      }
      bytes += size;
      if (++count >= SYNC_DRAIN_CHUNKS || bytes >= SYNC_DRAIN_BYTES) return this.#resolve();
    }
  }

  async #firstAsync(iter: AsyncIterator<Chunk>): Promise<AppResponse> {
    try {
      for (;;) {
        const step = await iter.next();
        if (step.done) return this.#finish();
        if (this.#accept(step.value) > 0) return this.#resolve();
      }
    } catch (error) {
      return this.#fail(error);
    }
  }

  /** The body ended before or while the headers went out. */
  #finish(): AppResponse | Promise<AppResponse> {
    this.#exhausted = true;
    if (!this.#started) {
      return this.#fail(new TypeError("The app returned without calling startResponse()"));
    }
    this.complete = true;
    const closed = this.close();
    return closed === RESOLVED ? this.#resolve() : closed.then(() => this.#resolve());
  }

  #resolve(): AppResponse {
    this.#headersSent = true;
    this.#resolved = true;
    return this;
  }

  #fail(error: unknown): Promise<AppResponse> {
    const closed = this.close();
    return closed.then(() => Promise.reject(error));
  }

  next(): Promise<Uint8Array | null> {
    const pending = this.#pending;
    if (pending !== undefined && pending.length > 0) return Promise.resolve(pending.shift()!);
    if (this.#done) return Promise.resolve(null);
    const deferred = this.#deferred;
    if (deferred !== undefined) {
      this.#deferred = undefined;
      return this.close().then(() => Promise.reject(deferred.error));
    }
    if (this.#async) return this.#nextAsync();
    const iter = this.#iter as Iterator<Chunk> | undefined;
    if (iter === undefined) return this.#end();
    try {
      for (;;) {
        const step = iter.next();
        if (step.done) return this.#end();
        const bytes = toBytes(step.value, "The body");
        if (bytes.length > 0) return Promise.resolve(this.#afterWrites(bytes));
      }
    } catch (error) {
      return this.close().then(() => Promise.reject(error));
    }
  }

  async #nextAsync(): Promise<Uint8Array | null> {
    const iter = this.#iter as AsyncIterator<Chunk>;
    try {
      for (;;) {
        const step = await iter.next();
        if (this.#done) return null;
        if (step.done) return this.#end();
        const bytes = toBytes(step.value, "The body");
        if (bytes.length > 0) return this.#afterWrites(bytes);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** A chunk yielded after write() calls goes out after their data. */
  #afterWrites(bytes: Uint8Array): Uint8Array {
    const pending = this.#pending;
    if (pending === undefined || pending.length === 0) return bytes;
    pending.push(bytes);
    return pending.shift()!;
  }

  #end(): Promise<null> {
    this.#exhausted = true;
    return this.close().then(() => {
      // write() calls made during the last step of the iteration still count.
      const pending = this.#pending;
      return pending !== undefined && pending.length > 0 ? pending.shift()! : null;
    }) as Promise<null>;
  }

  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#done = true;
    this.#closing = RESOLVED;
    const body = this.#body;
    const iter = this.#iter;
    try {
      // An abandoned generator gets its `finally` blocks run, as Python's close() does.
      if (!this.#exhausted && iter !== undefined && typeof iter.return === "function") {
        const returned = iter.return();
        if (isThenable(returned)) returned.then(undefined, (e) => this.#report(e));
      }
    } catch (error) {
      this.#report(error);
    }
    if (body === undefined || body === null || typeof body.close !== "function") {
      return RESOLVED;
    }
    try {
      const result = body.close();
      if (isThenable(result)) {
        this.#closing = Promise.resolve(result).then(undefined, (e) => this.#report(e));
      }
    } catch (error) {
      this.#report(error);
    }
    return this.#closing;
  }

  #report(error: unknown): void {
    reportError(this.#environ, "Error closing the response body", error);
  }
}

function early(): TypeError {
  return new TypeError("The app produced a body chunk before it called startResponse()");
}

function toBytes(chunk: Chunk, what: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encodeString(chunk);
  const value: unknown = chunk;
  throw new TypeError(
    `${what} must give Uint8Array or string chunks, not ${
      value === null
        ? "null"
        : typeof value === "object"
        ? (value.constructor?.name ?? "object")
        : typeof value
    }`,
  );
}

function checkBody(body: unknown): void {
  if (typeof body === "string" || body instanceof Uint8Array) {
    throw new TypeError(
      "The app returned a bare " + (typeof body === "string" ? "string" : "Uint8Array") +
        ": return an iterable of chunks instead, such as [body]",
    );
  }
  if (
    body === null || typeof body !== "object" ||
    (typeof (body as Iterable<Chunk>)[Symbol.iterator] !== "function" &&
      typeof (body as AsyncIterable<Chunk>)[Symbol.asyncIterator] !== "function")
  ) {
    throw new TypeError(
      `The app must return an iterable or async iterable of chunks, not ${
        body === null ? "null" : typeof body
      }`,
    );
  }
}

/**
 * The whole body as one string, when the app returned a single string chunk and the body
 * is complete: a fetch `Response` takes it as it is (no encoding, no copy).
 *
 * @param response What {@linkcode runApp} or {@linkcode startApp} gave.
 * @returns The body's text, or `undefined` when the body is not that simple.
 */
export function completeText(response: AppResponse): string | undefined {
  return AppRun.completeText(response);
}

/**
 * {@linkcode runApp} without the promise when there is nothing to wait for: an app that
 * answers synchronously gets its {@linkcode AppResponse} back at once, so an engine can
 * answer without a microtask hop. Failures always come as a rejected promise.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param environ The request.
 * @returns The response, or a promise of it.
 */
export function startApp(app: AppObject, environ: Environ): AppResponse | Promise<AppResponse> {
  const run = new AppRun(environ);
  let body: Body | Promise<Body>;
  try {
    if (typeof app === "function") {
      body = app(environ, run.startResponse);
    } else if (app !== null && typeof app === "object" && typeof app.wsgiApp === "function") {
      body = app.wsgiApp(environ, run.startResponse);
    } else {
      throw new TypeError(
        "Not an app object: expected a function (environ, startResponse) or an object " +
          "with a wsgiApp method",
      );
    }
  } catch (error) {
    return Promise.reject(error);
  }
  if (isThenable(body)) return (body as Promise<Body>).then((b) => run.begin(b));
  return run.begin(body);
}

/**
 * Calls an app object with `environ` and its own `startResponse`, and settles once the
 * response's headers are out.
 *
 * Looks `wsgiApp` up on an object at every call, so middleware assigned later applies.
 * Rejects (after calling the body's `close()`) when the app throws before its headers are
 * out or never calls `startResponse`; an engine answers 500 then. A synchronous app that
 * returns an array settles with `complete: true` and no further waiting.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param environ The request.
 * @returns The status, headers and first chunks, with `next()` for the rest.
 *
 * @example Serving one request by hand
 * ```ts
 * import { bytesInput, runApp, stderrErrors, type Environ } from "@phial/phial";
 * const environ = {
 *   REQUEST_METHOD: "GET", SCRIPT_NAME: "", PATH_INFO: "/", QUERY_STRING: "",
 *   SERVER_NAME: "localhost", SERVER_PORT: "80", SERVER_PROTOCOL: "HTTP/1.1",
 *   "wsgi.version": [1, 0], "wsgi.url_scheme": "http", "wsgi.input": bytesInput(new Uint8Array()),
 *   "wsgi.errors": stderrErrors, "wsgi.multithread": false, "wsgi.multiprocess": false,
 *   "wsgi.run_once": false, "wsgi.input_terminated": true,
 * } as Environ;
 * const response = await runApp((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/plain"]]);
 *   return ["Hello"];
 * }, environ);
 * response.statusCode; // 200
 * response.complete; // true: response.chunks is the whole body
 * ```
 */
export function runApp(app: AppObject, environ: Environ): Promise<AppResponse> {
  const started = startApp(app, environ);
  return started instanceof AppRun ? Promise.resolve(started) : started as Promise<AppResponse>;
}
