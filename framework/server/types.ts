/**
 * What every server engine takes and gives back: the options of `serve()` and the handle
 * to a running server.
 *
 * @module
 */

/** The engines a server can run on. */
export type EngineName = "reference" | "deno" | "serve-http";

/** One finished request, as an access log sees it. */
export interface AccessLogEntry {
  /** The client's address. */
  remoteAddr: string;
  /** The request method. */
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  /** `HTTP/1.1`, `HTTP/1.0`, `HTTP/2`. */
  protocol: string;
  /** The response status code. */
  status: number;
  /** Body bytes sent. */
  bytes: number;
  /** Time from the request's head to the response's end, in milliseconds. */
  durationMs: number;
  /** The `Referer` header, if any. */
  referer: string | undefined;
  /** The `User-Agent` header, if any. */
  userAgent: string | undefined;
}

/** Limits and timeouts that protect a server from bad or slow clients. */
export interface ServerLimits {
  /** Longest request line accepted, in bytes (414 beyond). Default 8190. */
  maxRequestLine?: number;
  /** Largest header section accepted, in bytes (431 beyond). Default 32768. */
  maxHeaderSize?: number;
  /** Most header fields accepted (431 beyond). Default 100. */
  maxHeaderCount?: number;
  /** Largest request body accepted, in bytes (413 beyond). Default: no limit. */
  maxBodySize?: number;
  /** Time allowed to receive a request's head, in milliseconds. Default 10000. */
  headTimeout?: number;
  /** Time an idle keep-alive connection is kept open, in milliseconds. Default 5000. */
  keepAliveTimeout?: number;
  /** Time in-flight requests get to finish on shutdown, in milliseconds. Default 10000. */
  gracefulTimeout?: number;
  /**
   * Most connections the `reference` engine serves at once; beyond it, new clients wait
   * in the listen backlog until a connection closes (gunicorn's `worker_connections`).
   * Default 1000.
   */
  maxConnections?: number;
}

/** Options of `serve()` and of every engine. */
export interface ServeOptions extends ServerLimits {
  /** The address to listen on. Default `127.0.0.1`. */
  hostname?: string;
  /** The port to listen on; 0 picks a free one. Default 8000. */
  port?: number;
  /** Which engine serves. Default `reference`. */
  engine?: EngineName;
  /** Aborting it shuts the server down gracefully. */
  signal?: AbortSignal;
  /** Called once the server listens. */
  onListen?: (addr: Deno.NetAddr) => void;
  /**
   * Share the port with other processes (`SO_REUSEPORT`, Linux): how `--workers` children
   * listen on one port. On the reference and serve-http engines, Deno needs the
   * `--unstable-net` flag for it (the CLI's workers carry it). Default false.
   */
  reusePort?: boolean;
  /** Worker processes (production serving); 1 or omitted serves in this isolate. */
  workers?: number;
  /** Called once per finished request; omitted means no access log. */
  accessLog?: (entry: AccessLogEntry) => void;
  /**
   * The `Server` response header's value, sent unless the app sets its own; `""` sends
   * none. The `reference` engine sends `phial` by default, as gunicorn sends its name; the
   * `deno` and `serve-http` engines send none by default, as `Deno.serve` sends none.
   */
  serverHeader?: string;
}

/** A running server. */
export interface ServerHandle {
  /** The address it listens on (with the real port when 0 was asked for). */
  readonly addr: Deno.NetAddr;
  /** Settles once the server has stopped and every connection is closed. */
  readonly finished: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes. */
  shutdown(): Promise<void>;
}
