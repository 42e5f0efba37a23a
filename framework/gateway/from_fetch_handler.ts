/**
 * The fetch adapter in reverse: any fetch handler (Hono's `app.fetch`, Oak, a plain
 * function) mounted as a gateway app, so it can sit behind phial's servers and middleware.
 *
 * @module
 */
import type { Body, Environ, WsgiApp } from "./types.ts";
import { isHopByHop } from "./header_validation.ts";
import { decodePathInfo } from "./path_decoding.ts";
import { reasonPhrase } from "./status_reasons.ts";

/** A fetch-style handler: a `Request` in, a `Response` (or a promise of one) out. */
export type FetchLikeHandler = (request: Request) => Response | Promise<Response>;

function quotePath(path: string): string {
  return encodeURI(path.toWellFormed()).replaceAll("?", "%3F").replaceAll("#", "%23");
}

function hostOf(environ: Environ): string {
  const host = environ.HTTP_HOST;
  if (host) return host;
  let name = environ.SERVER_NAME;
  if (name.includes(":")) name = `[${name}]`;
  const port = environ.SERVER_PORT;
  const defaultPort = environ["wsgi.url_scheme"] === "https" ? "443" : "80";
  return port && port !== defaultPort ? `${name}:${port}` : name;
}

/** The path as sent when it still matches `SCRIPT_NAME + PATH_INFO`, else re-quoted. */
function pathOf(environ: Environ): string {
  const path = (environ.SCRIPT_NAME ?? "") + (environ.PATH_INFO ?? "");
  const rawUri = environ.RAW_URI;
  if (typeof rawUri === "string" && rawUri.startsWith("/")) {
    const q = rawUri.indexOf("?");
    const rawPath = q === -1 ? rawUri : rawUri.slice(0, q);
    if (decodePathInfo(rawPath) === path) return rawPath;
  }
  return quotePath(path || "/");
}

function inputStream(environ: Environ): ReadableStream<Uint8Array> {
  const chunks = environ["wsgi.input"][Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await chunks.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await chunks.return?.();
    },
  }, { highWaterMark: 0 });
}

/**
 * Builds a fetch `Request` from an environ: method, URL (scheme, host, `SCRIPT_NAME` +
 * `PATH_INFO`, `QUERY_STRING`), headers, and a body streamed from `wsgi.input`.
 *
 * @param environ The request, CGI-style.
 * @returns The equivalent fetch request.
 */
export function requestFromEnviron(environ: Environ): Request {
  const method = environ.REQUEST_METHOD;
  const query = environ.QUERY_STRING;
  const url = `${environ["wsgi.url_scheme"]}://${hostOf(environ)}${pathOf(environ)}${
    query ? `?${query}` : ""
  }`;
  const headers = new Headers();
  for (const key in environ) {
    let name: string;
    if (key.startsWith("HTTP_")) name = key.slice(5).replaceAll("_", "-");
    else if (key === "CONTENT_TYPE") name = "content-type";
    else if (key === "CONTENT_LENGTH") name = "content-length";
    else continue;
    const value = environ[key];
    if (typeof value !== "string" || (value === "" && !key.startsWith("HTTP_"))) continue;
    try {
      headers.append(name, value);
    } catch {
      // A value fetch cannot carry is left out rather than failing the request.
    }
  }
  const original = environ["deno.request"];
  const hasBody = method !== "GET" && method !== "HEAD" &&
    ((environ.CONTENT_LENGTH !== undefined && environ.CONTENT_LENGTH !== "0") ||
      environ.HTTP_TRANSFER_ENCODING !== undefined ||
      (original instanceof Request && original.body !== null));
  return new Request(url, {
    method,
    headers,
    body: hasBody ? inputStream(environ) : null,
    // Required by fetch for a streamed request body.
    duplex: "half",
  } as RequestInit);
}

/** The response body as an async iterable; `close()` cancels the stream. */
function responseBody(stream: ReadableStream<Uint8Array>): Body {
  const reader = stream.getReader();
  let finished = false;
  const iterator: AsyncIterator<Uint8Array> = {
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (finished) return { done: true, value: undefined };
      const step = await reader.read();
      if (step.done) {
        finished = true;
        return { done: true, value: undefined };
      }
      return { done: false, value: step.value };
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    close(): Promise<void> | void {
      if (finished) return;
      finished = true;
      return reader.cancel().catch(() => {});
    },
  };
}

/**
 * Mounts a fetch handler as a gateway app: each call builds a fetch `Request` from the
 * environ (see {@linkcode requestFromEnviron}), calls the handler, and answers with the
 * `Response`'s status (with its reason phrase), its headers (hop-by-hop ones dropped) and
 * its body as a stream whose `close()` cancels it.
 *
 * @param handler A fetch handler, such as Hono's `app.fetch`.
 * @returns The gateway app.
 *
 * @example Mounting a fetch handler
 * ```ts
 * import { fromFetchHandler } from "@phial/phial";
 * const app = fromFetchHandler((request) =>
 *   new Response(`Hello from ${new URL(request.url).pathname}`)
 * );
 * ```
 */
export function fromFetchHandler(handler: FetchLikeHandler): WsgiApp {
  if (typeof handler !== "function") {
    throw new TypeError(`fromFetchHandler() takes a function, not ${typeof handler}`);
  }
  return async (environ, startResponse) => {
    const response = await handler(requestFromEnviron(environ));
    if (!(response instanceof Response)) {
      throw new TypeError(`The fetch handler must return a Response, not ${typeof response}`);
    }
    const status = response.status;
    const headers: [string, string][] = [];
    for (const [name, value] of response.headers) {
      if (!isHopByHop(name)) headers.push([name, value]);
    }
    startResponse(`${status} ${response.statusText || reasonPhrase(status)}`, headers);
    return response.body === null ? [] : responseBody(response.body);
  };
}
