/**
 * The `deno` engine: an app object served by `Deno.serve` through the fetch adapter
 * (`toFetchHandler`), with access logging and a bounded graceful shutdown.
 *
 * @module
 */
import type { AppObject } from "../gateway/types.ts";
import { engineFetchHandler } from "./engine_fetch_handler.ts";
import type { ServeOptions, ServerHandle } from "./types.ts";
import { shutdownOnAbort } from "./shutdown_on_abort.ts";
import { DEFAULT_GRACEFUL_TIMEOUT } from "./serve_defaults.ts";

/**
 * Serves an app object on `Deno.serve`. The body is streamed (nothing buffered), a body
 * complete with the headers is sent with `Content-Length`.
 *
 * Like `Deno.serve`, it adds no `Server` header unless `serverHeader` names one (the
 * `reference` engine sends `Server: phial`, as gunicorn sends its name). A response whose
 * only header is `Content-Type` then takes Deno's fast path; each further header costs
 * Deno ~0.7 µs, about a tenth of a hello-world request's server CPU.
 *
 * The environ reads the request's URL, method, headers and remote address the first time
 * the app asks for any of them, so an app that never looks pays nothing for them; an
 * environ kept after its response has been sent must have been read before (see
 * `environFromRequest`).
 *
 * `shutdown()` (or aborting `options.signal`) stops accepting and lets in-flight requests
 * finish for up to `gracefulTimeout` ms; after that, apps still working get 503 and
 * streaming bodies are cut off.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options Address, limits, hooks; see `ServeOptions`.
 * @returns The running server's handle.
 *
 * @example
 * ```ts ignore
 * import { serveDeno } from "@phial/phial";
 * const server = serveDeno((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { port: 8000 });
 * await server.shutdown();
 * ```
 */
export function serveDeno(app: AppObject, options: ServeOptions = {}): ServerHandle {
  const forced = new AbortController();
  const handler = engineFetchHandler(app, options, forced.signal);
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 8000,
    ...(options.reusePort ? { reusePort: true } : {}),
    onListen: (addr) => options.onListen?.(addr as Deno.NetAddr),
    // The handler never throws; what lands here is a body stream cut short, which the
    // fetch adapter has already reported to wsgi.errors.
    onError: () => new Response("Internal Server Error", { status: 500 }),
  }, handler);

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    if (stopping !== undefined) return stopping;
    const timer = setTimeout(
      () => forced.abort(),
      options.gracefulTimeout ?? DEFAULT_GRACEFUL_TIMEOUT,
    );
    stopping = server.shutdown().finally(() => clearTimeout(timer));
    return stopping;
  };
  shutdownOnAbort(options.signal, shutdown);
  return { addr: server.addr as Deno.NetAddr, finished: server.finished, shutdown };
}
