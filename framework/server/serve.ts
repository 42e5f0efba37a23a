/**
 * `serve()`: one entry point that starts any of phial's server engines.
 *
 * @module
 */
import type { AppObject } from "../gateway/types.ts";
import { describeValue } from "./describe_value.ts";
import { assertAppObject } from "./assert_app_object.ts";
import { serveDeno } from "./deno_engine.ts";
import { serveReference } from "./reference_engine.ts";
import { serveServeHttp } from "./serve_http_engine.ts";
import type { EngineName, ServeOptions, ServerHandle } from "./types.ts";

/** The engine names `serve()` accepts, in the order the CLI lists them. */
export const ENGINE_NAMES: readonly EngineName[] = ["reference", "deno", "serve-http"];

const ENGINES: Record<EngineName, (app: AppObject, options: ServeOptions) => ServerHandle> = {
  "reference": serveReference,
  "deno": serveDeno,
  "serve-http": serveServeHttp,
};

const LIMIT_NAMES = [
  "maxRequestLine",
  "maxHeaderSize",
  "maxHeaderCount",
  "maxBodySize",
  "headTimeout",
  "keepAliveTimeout",
  "gracefulTimeout",
  "maxConnections",
] as const;

/**
 * Checks `serve()`'s options and throws a `TypeError` naming the first bad one.
 *
 * @param options The options to check.
 * @throws {TypeError} On an unknown engine, a bad port or hostname, a negative limit, or
 *   a callback that is not a function.
 */
export function validateServeOptions(options: ServeOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`serve() options must be an object, got ${describeValue(options)}`);
  }
  const { engine, port, hostname, workers } = options;
  if (engine !== undefined && !Object.hasOwn(ENGINES, engine)) {
    throw new TypeError(
      `Unknown engine ${describeValue(engine)}: expected one of ${ENGINE_NAMES.join(", ")}`,
    );
  }
  if (
    port !== undefined &&
    (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    throw new TypeError(`Invalid port ${describeValue(port)}: expected an integer from 0 to 65535`);
  }
  if (hostname !== undefined && (typeof hostname !== "string" || hostname === "")) {
    throw new TypeError(`Invalid hostname ${describeValue(hostname)}: expected a non-empty string`);
  }
  if (workers !== undefined) {
    if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1) {
      throw new TypeError(`Invalid workers ${describeValue(workers)}: expected an integer >= 1`);
    }
    // workers > 1 with reusePort means "this isolate is one of N workers on a shared
    // port" (wsgi.multiprocess); without it, the caller expects processes serve() cannot start.
    if (workers > 1 && options.reusePort !== true) {
      throw new TypeError(
        "serve() runs in one isolate and cannot start worker processes; " +
          "use the CLI (deno run -A server.ts MODULE --workers N) instead",
      );
    }
  }
  for (const name of LIMIT_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new TypeError(`Invalid ${name} ${describeValue(value)}: expected a number >= 0`);
    }
  }
  if (options.maxConnections !== undefined && !(options.maxConnections >= 1)) {
    throw new TypeError(
      `Invalid maxConnections ${describeValue(options.maxConnections)}: expected a number >= 1`,
    );
  }
  for (const name of ["onListen", "accessLog"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(`Invalid ${name}: expected a function, got ${describeValue(value)}`);
    }
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(
      `Invalid signal: expected an AbortSignal, got ${describeValue(options.signal)}`,
    );
  }
  if (options.reusePort !== undefined && typeof options.reusePort !== "boolean") {
    throw new TypeError(
      `Invalid reusePort: expected a boolean, got ${describeValue(options.reusePort)}`,
    );
  }
  // Deno.listen only takes reusePort under --unstable-net, and without it Deno ends the
  // process rather than throwing; the unstable net APIs exist exactly when the flag is on.
  if (
    options.reusePort === true && options.engine !== "deno" &&
    typeof (Deno as unknown as Record<string, unknown>).listenDatagram !== "function"
  ) {
    throw new TypeError(
      `reusePort on the ${options.engine ?? "reference"} engine needs Deno's --unstable-net flag`,
    );
  }
  if (options.serverHeader !== undefined && typeof options.serverHeader !== "string") {
    throw new TypeError(
      `Invalid serverHeader: expected a string, got ${describeValue(options.serverHeader)}`,
    );
  }
}

/**
 * Starts a server for an app object on the engine `options.engine` names (default
 * `reference`: phial's own HTTP/1.1 server on `Deno.listen`; `deno`: `Deno.serve`;
 * `serve-http`: `Deno.serveHttp`), and resolves to its handle once it listens.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method (looked up on
 *   every request).
 * @param options Address, engine, limits, callbacks.
 * @returns The running server's handle: `addr`, `finished`, `shutdown()`. It rejects with
 *   a `TypeError` when `app` is not an app object or an option is invalid, and with
 *   `Deno.errors.AddrInUse` when the port is taken.
 *
 * @example Serving the seed article's application
 * ```ts ignore
 * import { serve } from "@phial/phial";
 * const server = await serve((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { hostname: "127.0.0.1", port: 8000, engine: "reference" });
 * // later
 * await server.shutdown();
 * ```
 */
export function serve(app: AppObject, options: ServeOptions = {}): Promise<ServerHandle> {
  try {
    return Promise.resolve(startServer(app, options));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * {@linkcode serve} that gives the handle at once (the server listens before it returns)
 * and throws its errors: what `WSGIServer` and the command line use.
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method.
 * @param options Address, engine, limits, callbacks.
 * @returns The running server's handle.
 * @throws {TypeError} When `app` is not an app object or an option is invalid.
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 *
 * @example
 * ```ts ignore
 * import { startServer } from "@phial/phial";
 * const server = startServer(() => [], { port: 0 });
 * console.log(server.addr.port);
 * await server.shutdown();
 * ```
 */
export function startServer(app: AppObject, options: ServeOptions = {}): ServerHandle {
  assertAppObject(app);
  validateServeOptions(options);
  const engine = ENGINES[options.engine ?? "reference"];
  return engine(app, options);
}
