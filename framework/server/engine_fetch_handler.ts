/**
 * The fetch handler the fetch-based engines (`deno` and `serve-http`) share.
 *
 * @module
 */
import type { AppObject, Environ } from "../gateway/types.ts";
import { type FetchResponder, toFetchResponder } from "../gateway/to_fetch_handler.ts";
import type { ServeOptions } from "./types.ts";

/**
 * The fetch handler the fetch-based engines share: {@linkcode toFetchResponder} with the
 * server's options (`maxBodySize`, `serverHeader`, `accessLog`) and a signal that cuts
 * in-flight responses short on a forced shutdown.
 *
 * @param app The app object.
 * @param options The server's options.
 * @param forced Aborted when the graceful shutdown's time is up.
 * @returns The fetch handler.
 */
export function engineFetchHandler(
  app: AppObject,
  options: ServeOptions,
  forced: AbortSignal,
): FetchResponder {
  const accessLog = options.accessLog;
  // None by default, as Deno.serve sends none.
  const serverHeader = options.serverHeader;
  // One of several workers sharing a port (server.ts sets reusePort on their listeners).
  const multiprocess = (options.workers ?? 1) > 1;
  if (accessLog === undefined) {
    return toFetchResponder(app, {
      maxBodySize: options.maxBodySize,
      serverHeader,
      signal: forced,
      canonicalStatusText: false,
      multiprocess,
    });
  }
  const started = new WeakMap<Request, number>();
  const onFinish = (environ: Environ, status: number, bytes: number) => {
    const request = environ["deno.request"] as Request;
    const start = started.get(request) ?? performance.now();
    try {
      accessLog({
        remoteAddr: environ.REMOTE_ADDR ?? "-",
        method: environ.REQUEST_METHOD,
        target: (environ.RAW_URI as string | undefined) ?? environ.PATH_INFO,
        protocol: environ.SERVER_PROTOCOL,
        status,
        bytes,
        durationMs: performance.now() - start,
        referer: environ.HTTP_REFERER,
        userAgent: environ.HTTP_USER_AGENT,
      });
    } catch (error) {
      console.error("Error in the access log:", error);
    }
  };
  const handler = toFetchResponder(app, {
    maxBodySize: options.maxBodySize,
    serverHeader,
    signal: forced,
    onFinish,
    canonicalStatusText: false,
    multiprocess,
  });
  return (request, info) => {
    started.set(request, performance.now());
    return handler(request, info);
  };
}
