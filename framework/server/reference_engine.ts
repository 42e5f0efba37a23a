/**
 * The reference engine: phial's own HTTP/1.1 server on a raw `Deno.listen` socket, one
 * isolate, every connection served concurrently by async I/O.
 *
 * @module
 */

import { DEFAULT_HTTP1_LIMITS } from "../gateway/http1_parser.ts";
import { cachedHttpDate } from "../gateway/http1_response.ts";
import type { AppObject } from "../gateway/types.ts";
import { shutdownOnAbort } from "./shutdown_on_abort.ts";
import {
  DEFAULT_GRACEFUL_TIMEOUT,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_SERVER_HEADER,
} from "./serve_defaults.ts";
import { listenTcp } from "./listen_tcp.ts";
import { ReferenceConnection, type ReferenceSettings } from "./reference_connection.ts";
import { HeadCache } from "./reference_head_cache.ts";
import type { ServeOptions, ServerHandle } from "./types.ts";

/** The running reference server behind a {@linkcode ServerHandle}. */
class ReferenceServer implements ServerHandle {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  readonly #listener: Deno.Listener;
  readonly #settings: ReferenceSettings;
  readonly #connections = new Set<ReferenceConnection>();
  readonly #gracefulTimeout: number;
  readonly #maxConnections: number;
  // Wakes the accept loop when a connection closes below the cap, or on shutdown.
  #wakeAccept: (() => void) | undefined = undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #stopping: Promise<void> | undefined = undefined;
  #resolveFinished!: () => void;
  #acceptLoop: Promise<void>;

  constructor(
    listener: Deno.Listener,
    settings: ReferenceSettings,
    gracefulTimeout: number,
    maxConnections: number,
  ) {
    this.#listener = listener;
    this.#settings = settings;
    this.#gracefulTimeout = gracefulTimeout;
    this.#maxConnections = maxConnections;
    this.addr = listener.addr as Deno.NetAddr;
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
    const tick = Math.max(
      10,
      Math.min(250, settings.headTimeout / 4, settings.keepAliveTimeout / 4),
    );
    this.#sweeper = setInterval(() => this.#sweep(), tick);
    Deno.unrefTimer(this.#sweeper as unknown as number);
    this.#acceptLoop = this.#accept();
  }

  async #accept(): Promise<void> {
    for (;;) {
      // At the cap, new clients wait in the listen backlog (as gunicorn's
      // worker_connections): memory stays bounded however many connect.
      while (this.#connections.size >= this.#maxConnections) {
        await new Promise<void>((resolve) => this.#wakeAccept = resolve);
        if (this.#stopping !== undefined) return;
      }
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping !== undefined || error instanceof Deno.errors.BadResource) return;
        // Out of file descriptors and the like: back off a little and keep serving.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (this.#stopping !== undefined) {
        conn.close();
        continue;
      }
      try {
        (conn as Deno.TcpConn).setNoDelay?.(true);
      } catch {
        // Not a TCP socket.
      }
      const connection = new ReferenceConnection(conn, this.#settings);
      this.#connections.add(connection);
      connection.done.then(() => {
        this.#connections.delete(connection);
        this.#wake();
      });
    }
  }

  #wake(): void {
    const wake = this.#wakeAccept;
    this.#wakeAccept = undefined;
    wake?.();
  }

  #sweep(): void {
    const now = Date.now();
    const clock = this.#settings.clock;
    clock.now = now;
    clock.date = cachedHttpDate(now);
    for (const connection of this.#connections) {
      if (connection.deadline !== 0 && now >= connection.deadline) {
        try {
          connection.timeout();
        } catch {
          // A timer callback must never throw: that would end the process.
          connection.close();
        }
      }
    }
  }

  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
    this.#wake();
    await this.#acceptLoop;
    for (const connection of this.#connections) connection.shutdown();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#gracefulTimeout);
    });
    const all = Promise.all([...this.#connections].map((c) => c.done));
    await Promise.race([all, deadline]);
    clearTimeout(timer);
    // Past the deadline the sockets are closed; an app still running finds out when it
    // next writes, and is not waited for.
    for (const connection of this.#connections) connection.close();
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#resolveFinished();
  }
}

/**
 * Serves an app object with phial's own HTTP/1.1 engine on `Deno.listen`.
 *
 * Keep-alive follows HTTP/1.0 and 1.1 rules, pipelined requests are answered in order,
 * `Expect: 100-continue` is answered when the app first reads `wsgi.input`, and bad input
 * gets 400/413/414/431/501/505 without disturbing other connections. `headTimeout` bounds
 * both a request head and any wait for request body bytes; `keepAliveTimeout` bounds the
 * idle time between requests; at `maxConnections` open connections, new clients wait in
 * the listen backlog until one closes.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options Address, limits, access log and shutdown signal.
 * @returns The running server's handle.
 * @throws {Deno.errors.AddrInUse} when the port is taken.
 * @example
 * ```ts ignore
 * import { serveReference } from "./reference_engine.ts";
 * const server = serveReference((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { hostname: "127.0.0.1", port: 0 });
 * console.log(server.addr.port);
 * await server.shutdown();
 * ```
 */
export function serveReference(app: AppObject, options: ServeOptions = {}): ServerHandle {
  const listener = listenTcp(options);
  const addr = listener.addr as Deno.NetAddr;
  const settings: ReferenceSettings = {
    app,
    limits: {
      maxRequestLine: options.maxRequestLine ?? DEFAULT_HTTP1_LIMITS.maxRequestLine,
      maxHeaderSize: options.maxHeaderSize ?? DEFAULT_HTTP1_LIMITS.maxHeaderSize,
      maxHeaderCount: options.maxHeaderCount ?? DEFAULT_HTTP1_LIMITS.maxHeaderCount,
    },
    maxBodySize: options.maxBodySize ?? Infinity,
    headTimeout: options.headTimeout ?? 10000,
    keepAliveTimeout: options.keepAliveTimeout ?? 5000,
    serverHeader: options.serverHeader ?? DEFAULT_SERVER_HEADER,
    serverName: addr.hostname,
    serverPort: String(addr.port),
    multiprocess: (options.workers ?? 1) > 1,
    accessLog: options.accessLog,
    clock: { now: Date.now(), date: cachedHttpDate() },
    headCache: new HeadCache(),
  };
  const server = new ReferenceServer(
    listener,
    settings,
    options.gracefulTimeout ?? DEFAULT_GRACEFUL_TIMEOUT,
    options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  );
  shutdownOnAbort(options.signal, () => server.shutdown());
  options.onListen?.(addr);
  return server;
}
