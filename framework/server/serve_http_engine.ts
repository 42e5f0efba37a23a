/**
 * The `serve-http` engine: connections accepted with `Deno.listen` and served by
 * `Deno.serveHttp` (soft-removed from Deno 2's types, still there at runtime), through the
 * fetch adapter.
 *
 * @module
 */
import type { AppObject } from "../gateway/types.ts";
import { shutdownOnAbort } from "./shutdown_on_abort.ts";
import { DEFAULT_GRACEFUL_TIMEOUT } from "./serve_defaults.ts";
import { listenTcp } from "./listen_tcp.ts";
import type { FetchResponder } from "../gateway/to_fetch_handler.ts";
import { engineFetchHandler } from "./engine_fetch_handler.ts";
import type { ServeOptions, ServerHandle } from "./types.ts";

/** The parts of Deno 1's `Deno.HttpConn` this engine uses. */
interface HttpConn extends AsyncIterable<RequestEvent> {
  close(): void;
}

/** The parts of Deno 1's `Deno.RequestEvent` this engine uses. */
interface RequestEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): Promise<void>;
}

type ServeHttp = (conn: Deno.Conn) => HttpConn;

/** One accepted connection and how many requests on it are being answered. */
interface Connection {
  http: HttpConn;
  inFlight: number;
  closed: boolean;
}

function serveHttpFunction(): ServeHttp {
  const serveHttp = (Deno as unknown as { serveHttp?: ServeHttp }).serveHttp;
  if (typeof serveHttp !== "function") {
    throw new TypeError(
      "Deno.serveHttp is not available in this Deno: use the deno or reference engine",
    );
  }
  return serveHttp;
}

/**
 * Serves an app object with `Deno.serveHttp` on connections from `Deno.listen`.
 *
 * `shutdown()` (or aborting `options.signal`) stops accepting, closes idle connections,
 * and lets in-flight requests finish for up to `gracefulTimeout` ms before cutting them
 * off.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options Address, limits, hooks; see `ServeOptions`.
 * @returns The running server's handle.
 *
 * @example
 * ```ts ignore
 * import { serveServeHttp } from "@phial/phial";
 * const server = serveServeHttp((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { port: 8000 });
 * await server.shutdown();
 * ```
 */
export function serveServeHttp(app: AppObject, options: ServeOptions = {}): ServerHandle {
  const serveHttp = serveHttpFunction();
  const forced = new AbortController();
  const handler = engineFetchHandler(app, options, forced.signal);
  const listener = listenTcp(options);
  const addr = listener.addr as Deno.NetAddr;
  const connections = new Set<Connection>();
  let stopping = false;
  let allClosed: (() => void) | undefined;

  const closeConnection = (connection: Connection) => {
    if (connection.closed) return;
    connection.closed = true;
    try {
      connection.http.close();
    } catch {
      // Already closed by the peer.
    }
  };
  const forget = (connection: Connection) => {
    connections.delete(connection);
    if (stopping && connections.size === 0) allClosed?.();
  };

  const serveConnection = async (conn: Deno.Conn) => {
    let http: HttpConn;
    try {
      http = serveHttp(conn);
    } catch {
      conn.close();
      return;
    }
    const connection: Connection = { http, inFlight: 0, closed: false };
    connections.add(connection);
    const info = { remoteAddr: conn.remoteAddr };
    try {
      for await (const event of http) {
        connection.inFlight++;
        respond(event, handler, info, () => stopping).finally(() => connection.inFlight--);
      }
    } catch {
      // The peer went away or sent garbage: this connection is done.
    } finally {
      closeConnection(connection);
      forget(connection);
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) serveConnection(conn);
    } catch (error) {
      if (!stopping) console.error("The serve-http engine stopped accepting:", error);
    }
  })();

  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => finish = resolve);
  let stopped: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    if (stopped !== undefined) return stopped;
    stopping = true;
    try {
      listener.close();
    } catch {
      // Already closed.
    }
    const drained = new Promise<void>((resolve) => {
      allClosed = resolve;
      if (connections.size === 0) resolve();
    });
    for (const connection of connections) {
      if (connection.inFlight === 0) closeConnection(connection);
    }
    const timer = setTimeout(() => {
      forced.abort();
      // Give cut-off responses a moment to go out, then drop what is left.
      setTimeout(() => {
        for (const connection of connections) closeConnection(connection);
      }, 50);
    }, options.gracefulTimeout ?? DEFAULT_GRACEFUL_TIMEOUT);
    stopped = Promise.all([accepting, drained]).then(() => {
      clearTimeout(timer);
      finish();
    });
    return stopped;
  };
  shutdownOnAbort(options.signal, shutdown);
  options.onListen?.(addr);
  return {
    addr,
    finished,
    shutdown,
  };
}

async function respond(
  event: RequestEvent,
  handler: FetchResponder,
  info: { remoteAddr: Deno.Addr },
  stopping: () => boolean,
): Promise<void> {
  try {
    let response = handler(event.request, info);
    if (response instanceof Promise) response = await response;
    // While shutting down, the connection ends after this response (once it is out).
    if (stopping()) {
      try {
        response.headers.set("connection", "close");
      } catch {
        // Immutable headers: the forced close at the end of the grace period still comes.
      }
    }
    await event.respondWith(response);
  } catch {
    // The client went away before the response was out; the body's close() has run.
  }
}
