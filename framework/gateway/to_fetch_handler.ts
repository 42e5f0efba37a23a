/**
 * The fetch adapter: an app object served as a fetch handler
 * (`(request) => Promise<Response>`), for `Deno.serve`, Deno Deploy or any fetch runtime.
 *
 * @module
 */
import type { AppObject, Environ } from "./types.ts";
import { type AppResponse, completeText, startApp } from "./run_app.ts";
import { reasonPhrase } from "./status_reasons.ts";
import { equalsLower } from "./header_validation.ts";
import { environFromRequest, type FetchRequestInfo } from "./environ_from_request.ts";
import { BodyInput } from "./input_stream.ts";
import { concatBytes } from "./concat_bytes.ts";
import { reportError } from "./report_error.ts";
import { ResponseReuse } from "./response_reuse.ts";

/** Options of {@linkcode toFetchHandler}. */
export interface ToFetchHandlerOptions {
  /** Largest request body accepted, in bytes; a larger one is answered with 413. */
  maxBodySize?: number;
  /** A `Server` header added to every response that has none; `""` adds none. */
  serverHeader?: string;
  /**
   * Called once a response has been handed over completely (or abandoned), with its
   * status code and the body bytes sent; for access logs.
   */
  onFinish?: (environ: Environ, status: number, bytes: number) => void;
  /**
   * Aborting it cuts in-flight responses short (a server's forced shutdown): a request
   * whose app has not answered yet gets 503, a streaming body is ended and closed.
   */
  signal?: AbortSignal;
  /**
   * Whether a canonical reason phrase ("200 OK") is also set as the `Response`'s
   * `statusText` (default `true`; a custom phrase always is). `Deno.serve` sends the
   * canonical phrase whatever `statusText` says, so the `deno` engine turns this off.
   */
  canonicalStatusText?: boolean;
  /** `wsgi.multiprocess` in every environ: this process is one of several workers. */
  multiprocess?: boolean;
}

/** A fetch-style handler, as `Deno.serve` takes. */
export type FetchHandler = (request: Request, info?: FetchRequestInfo) => Promise<Response>;

/**
 * A fetch-style handler that answers synchronously when it can, as `Deno.serve` accepts;
 * see {@linkcode toFetchResponder}.
 */
export type FetchResponder = (
  request: Request,
  info?: FetchRequestInfo,
) => Response | Promise<Response>;

/** Marks the error a body over `maxBodySize` raises in `wsgi.input`. */
class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
}

const PLAIN = [["content-type", "text/plain; charset=utf-8"]] as [string, string][];

function errorResponse(status: number, text: string, serverHeader?: string): Response {
  const headers: [string, string][] = serverHeader === undefined
    ? PLAIN
    : [...PLAIN, ["server", serverHeader]];
  return new Response(text, { status, headers });
}

const HAS_SERVER = 1;
const HAS_CONTENT_TYPE = 2;
const TEXTUAL_TYPE = 4;
// The bits above these three hold the index of the first Content-Type header, plus one.
const TYPE_INDEX_SHIFT = 3;

/**
 * Which of Server and Content-Type the app set, in one pass over its headers, whether
 * the Content-Type is a textual one, and where the first Content-Type is.
 */
function headerFlags(headers: [string, string][]): number {
  let flags = 0;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    const name = header[0];
    if (name.length === 6) {
      if (equalsLower(name, "server")) flags |= HAS_SERVER;
    } else if (name.length === 12 && equalsLower(name, "content-type")) {
      if ((flags & HAS_CONTENT_TYPE) === 0) flags |= (i + 1) << TYPE_INDEX_SHIFT;
      flags |= HAS_CONTENT_TYPE;
      const type = header[1];
      if (
        type.startsWith("text/") || type.includes("json") || type.includes("xml") ||
        type.includes("javascript")
      ) flags |= TEXTUAL_TYPE;
    }
  }
  return flags;
}

// Deno sends a string body cheaper than bytes (which the Response constructor copies):
// small textual bodies that are valid UTF-8 go out as strings, re-encoded byte for byte.
const SMALL_TEXT_BODY = 4096;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// The last ASCII body turned into text: apps tend to return the same bytes every time
// (the seed's hello app returns one constant Uint8Array). The bytes are compared with the
// text before it is reused, so a buffer the app rewrites in place is still read afresh.
let lastBytes: Uint8Array | undefined;
let lastText = "";

function asText(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  if (bytes === lastBytes && lastText.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (bytes[i] !== lastText.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return lastText;
  }
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII (the common case) maps byte for byte, cheaper than a strict decode.
  if (ascii) {
    lastBytes = bytes;
    lastText = String.fromCharCode.apply(null, bytes as unknown as number[]);
    return lastText;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) i++, bytes += 2;
    else bytes += 2;
  }
  return bytes;
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/** A pull-based stream over the app's body: nothing is read ahead of the client. */
function bodyStream(
  response: AppResponse,
  environ: Environ,
  finish: ((bytes: number) => void) | undefined,
  active: Set<() => void> | undefined,
): ReadableStream<Uint8Array> {
  const first = response.chunks;
  let index = 0;
  let sent = 0;
  let finished = false;
  let abort: (() => void) | undefined;
  const done = () => {
    if (finished) return;
    finished = true;
    if (abort !== undefined) active!.delete(abort);
    finish?.(sent);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (active === undefined) return;
      abort = () => {
        if (finished) return;
        controller.error(new Error("The server is shutting down"));
        done();
        response.close();
      };
      active.add(abort);
    },
    pull(controller) {
      if (index < first.length) {
        const chunk = first[index++]!;
        sent += chunk.length;
        controller.enqueue(chunk);
        return;
      }
      return response.next().then((chunk) => {
        if (chunk === null) {
          controller.close();
          done();
        } else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      }, (error) => {
        reportError(environ, "Error in the app's response body", error);
        controller.error(error);
        done();
      });
    },
    cancel() {
      done();
      return response.close();
    },
  }, { highWaterMark: 0 });
}

/**
 * Serves an app object as a fetch handler: `(request, info?) => Promise<Response>`.
 *
 * The body is streamed through a pull-based `ReadableStream` (nothing is buffered ahead of
 * the client; cancelling it calls the body's `close()`); a body that was already complete
 * when the headers went out is sent as plain bytes. An app that fails before its headers
 * gives a 500, a `HEAD` request gets no body, and with `maxBodySize` a larger request
 * body gives a 413.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options `maxBodySize`, `serverHeader` and an `onFinish` hook.
 * @returns The fetch handler.
 *
 * @example Serving an app with Deno.serve
 * ```ts ignore
 * import { toFetchHandler } from "@phial/phial";
 * Deno.serve(toFetchHandler((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }));
 * ```
 */
export function toFetchHandler(app: AppObject, options?: ToFetchHandlerOptions): FetchHandler {
  const respond = toFetchResponder(app, options);
  return (request, info) => {
    const answer = respond(request, info);
    return answer instanceof Response ? Promise.resolve(answer) : answer;
  };
}

/**
 * {@linkcode toFetchHandler} that answers without a promise when the app answers
 * synchronously (as the seed's hello app does); `Deno.serve` accepts either, and the
 * `deno` engine uses this.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options As for {@linkcode toFetchHandler}.
 * @returns The fetch handler.
 */
export function toFetchResponder(
  app: AppObject,
  options?: ToFetchHandlerOptions,
): FetchResponder {
  const maxBodySize = options?.maxBodySize;
  // An empty serverHeader means no Server header at all.
  const serverHeader = options?.serverHeader || undefined;
  const onFinish = options?.onFinish;
  const signal = options?.signal;
  const canonicalStatusText = options?.canonicalStatusText ?? true;
  const multiprocess = options?.multiprocess === true;
  // What to call to cut each in-flight response short when `signal` aborts.
  const active = signal === undefined ? undefined : new Set<() => void>();
  signal?.addEventListener("abort", () => {
    for (const abort of [...active!]) abort();
  }, { once: true });

  // The last response built, its head's header flags, and a copy source for repeats.
  const reuse = new ResponseReuse(0);

  /** An error response the server makes itself, logged with no body bytes. */
  const refuse = (environ: Environ, status: number, text: string): Response => {
    onFinish?.(environ, status, 0);
    return errorResponse(status, text, serverHeader);
  };

  const toResponse = (response: AppResponse, environ: Environ, request: Request): Response => {
    const status = response.statusCode;
    if (status < 200 || status > 599) {
      response.close();
      reportError(
        environ,
        "Cannot send the app's response",
        new RangeError(`status ${status} cannot be sent by a fetch handler`),
      );
      return refuse(environ, 500, "Internal Server Error");
    }
    const headers = response.headers;
    const line = response.status;
    const repeated = reuse.sameHead(status, line, headers);
    const flags = repeated ? reuse.derived : (reuse.derived = headerFlags(headers));
    let body: BodyInit | null = null;
    const noBody = status === 204 || status === 205 || status === 304;
    // A complete body is answered the same way for HEAD (Deno drops the body and keeps its
    // length): the method is only needed otherwise, or for the access log.
    const head = (!response.complete || onFinish !== undefined) && request.method === "HEAD";
    if (response.complete || noBody || head) {
      let size = 0;
      if (!response.complete) {
        response.close();
        // An ended stream: no body, and no Content-Length the app did not give.
        if (head && !noBody) body = emptyStream();
      } else if (!noBody) {
        // For HEAD too: the server drops the body but takes its Content-Length from it.
        const text = completeText(response);
        // A string body needs no encoding here, but fetch would add a text/plain
        // Content-Type to it: only when the app chose one.
        if (text !== undefined && (flags & HAS_CONTENT_TYPE) !== 0) {
          body = text;
          if (onFinish !== undefined) size = utf8Length(text);
        } else {
          const chunks = response.chunks;
          if (chunks.length > 0) {
            const bytes = concatBytes(chunks);
            size = bytes.length;
            body = (flags & TEXTUAL_TYPE) !== 0 && size <= SMALL_TEXT_BODY
              ? asText(bytes) ?? (bytes as Uint8Array<ArrayBuffer>)
              : bytes as Uint8Array<ArrayBuffer>;
          }
        }
      }
      onFinish?.(environ, status, head ? 0 : size);
    } else {
      body = bodyStream(
        response,
        environ,
        onFinish === undefined ? undefined : (bytes) => onFinish(environ, status, bytes),
        active,
      );
    }
    // The same small text response as last time is a copy of the one built then.
    const reusable = response.complete && typeof body === "string";
    if (reusable) {
      const copy = reuse.copy(body as string);
      if (copy !== undefined) return copy;
    }
    try {
      const canonical = reasonPhrase(status);
      const fetchResponse = !canonicalStatusText && line.length === canonical.length + 4 &&
          line.endsWith(canonical)
        ? new Response(body, { status })
        : new Response(body, { status, statusText: line.slice(4) });
      // Appending one by one is much cheaper in Deno than a headers list in the init.
      const target = fetchResponse.headers;
      // A string body came with fetch's own text/plain Content-Type: the app's replaces it.
      const typeAt = typeof body === "string" ? (flags >> TYPE_INDEX_SHIFT) - 1 : -1;
      for (let i = 0; i < headers.length; i++) {
        const header = headers[i]!;
        if (i === typeAt) target.set(header[0], header[1]);
        else target.append(header[0], header[1]);
      }
      if (serverHeader !== undefined && (flags & HAS_SERVER) === 0) {
        target.append("server", serverHeader);
      }
      return reusable ? reuse.keep(fetchResponse) : fetchResponse;
    } catch (error) {
      response.close();
      reportError(environ, "Cannot send the app's response", error);
      return errorResponse(500, "Internal Server Error", serverHeader);
    }
  };

  const failed = (error: unknown, environ: Environ, overLimit: boolean): Response => {
    if (overLimit || error instanceof BodyTooLarge) {
      return refuse(environ, 413, "Request Entity Too Large");
    }
    reportError(environ, "Error in the app", error);
    return refuse(environ, 500, "Internal Server Error");
  };

  return (request, info) => {
    const environ = environFromRequest(request, info);
    if (multiprocess) environ["wsgi.multiprocess"] = true;
    if (signal?.aborted) return refuse(environ, 503, "Service Unavailable");
    // The access log reads the environ after the response has gone, when the request may
    // be closed: fill the lazy environ in now (see lazy_environ.ts).
    if (onFinish !== undefined) void environ.REQUEST_METHOD;
    let overLimit = false;
    // A GET or HEAD request has no body in fetch.
    if (maxBodySize !== undefined && request.method !== "GET" && request.method !== "HEAD") {
      const length = environ.CONTENT_LENGTH;
      if (length !== undefined && Number(length) > maxBodySize) {
        return refuse(environ, 413, "Request Entity Too Large");
      }
      const chunks = environ["wsgi.input"][Symbol.asyncIterator]();
      let seen = 0;
      environ["wsgi.input"] = new BodyInput(async () => {
        const step = await chunks.next();
        if (step.done) return null;
        const chunk = step.value;
        seen += chunk.length;
        if (seen > maxBodySize) {
          overLimit = true;
          throw new BodyTooLarge(`The request body is larger than ${maxBodySize} bytes`);
        }
        return chunk;
      });
    }
    const started = startApp(app, environ);
    if (!(started instanceof Promise)) return toResponse(started, environ, request);
    const answer = started.then(
      (response) => toResponse(response, environ, request),
      (error) => failed(error, environ, overLimit),
    );
    return active === undefined ? answer : abortable(answer, environ);
  };

  /** Answers 503 if `signal` aborts before the app does. */
  function abortable(answer: Promise<Response>, environ: Environ): Promise<Response> {
    return new Promise((resolve) => {
      let settled = false;
      const abort = () => {
        if (settled) return;
        settled = true;
        resolve(refuse(environ, 503, "Service Unavailable"));
      };
      active!.add(abort);
      answer.then((response) => {
        active!.delete(abort);
        if (settled) {
          response.body?.cancel();
          return;
        }
        settled = true;
        resolve(response);
      });
    });
  }
}
